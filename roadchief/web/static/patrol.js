// Record the phone's location during a patrol: watch the position, send the fixes in
// batches (kept and sent again when the network drops), flush them before finishing.
(function () {
  "use strict";
  var box = document.getElementById("patrol");
  if (!box || !box.dataset.track) { return; }
  var track = box.dataset.track, csrf = box.dataset.csrf;
  var pending = [], sending = false, sent = 0;
  var shown = document.getElementById("patrol-count");
  var problem = document.getElementById("patrol-error");

  function send() {
    if (sending || pending.length === 0) { return Promise.resolve(); }
    sending = true;
    var batch = pending.slice(0, 500);
    return fetch("/patrols/" + track + "/points", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify({points: batch})
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (data) {
      pending = pending.slice(batch.length);
      sent = data.points;
      shown.textContent = String(sent);
    }).catch(function () { /* keep the points; the next tick sends them again */ })
      .then(function () { sending = false; });
  }

  function fix(pos) {
    problem.hidden = true;
    pending.push({t: new Date(pos.timestamp).toISOString(), lat: pos.coords.latitude,
                  lon: pos.coords.longitude, acc: pos.coords.accuracy});
    shown.textContent = String(sent + pending.length);
    if (pending.length >= 5) { send(); }
  }

  if (!("geolocation" in navigator)) { problem.hidden = false; return; }
  navigator.geolocation.watchPosition(fix, function () { problem.hidden = false; },
    {enableHighAccuracy: true, maximumAge: 0, timeout: 30000});
  setInterval(send, 10000);
  var finish = document.getElementById("patrol-finish");
  finish.addEventListener("submit", function (event) {
    if (pending.length === 0) { return; }
    event.preventDefault();
    send().then(function () {
      if (pending.length === 0) { finish.submit(); } else { problem.hidden = false; }
    });
  });
})();
