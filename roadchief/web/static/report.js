// A place for a report: the phone's location or a tap on the map fills lat/lon.
(function () {
  "use strict";
  var lat = document.getElementById("lat"), lon = document.getElementById("lon");
  var el = document.getElementById("place-map"), button = document.getElementById("locate");
  var error = document.getElementById("locate-error");
  if (!lat || !lon) { return; }
  var map = null, marker = null;
  function show(y, x) {
    if (!map) { return; }
    if (marker) { marker.setLatLng([y, x]); } else { marker = L.marker([y, x]).addTo(map); }
    map.setView([y, x], Math.max(map.getZoom(), 16));
  }
  function set(y, x) {
    lat.value = y.toFixed(6); lon.value = x.toFixed(6); show(y, x);
  }
  if (el && typeof L !== "undefined") {
    map = L.map(el, {zoomControl: true});
    map.attributionControl.setPrefix("Leaflet");
    L.control.scale({imperial: false}).addTo(map);
    var y0 = parseFloat(el.dataset.lat), x0 = parseFloat(el.dataset.lon);
    if (isFinite(y0) && isFinite(x0)) { map.setView([y0, x0], 16); show(y0, x0); }
    else { map.setView([0, 0], 2); }
    map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng); });
  }
  function locate() {
    if (!navigator.geolocation) { error.hidden = false; return; }
    navigator.geolocation.getCurrentPosition(
      function (p) { error.hidden = true; set(p.coords.latitude, p.coords.longitude); },
      function () { error.hidden = false; },
      {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  }
  if (button) { button.addEventListener("click", locate); }
})();
