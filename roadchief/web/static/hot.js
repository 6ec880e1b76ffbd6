// The hot issues on a plain map (no base tiles: it works offline): each street's line,
// wider and redder the more it was reported, with its rank and count.
(function () {
  "use strict";
  var el = document.getElementById("hot-map");
  var data = document.getElementById("hot-data");
  if (!el || !data || typeof L === "undefined") { return; }
  var hot = JSON.parse(data.textContent);
  var map = L.map(el, {zoomControl: true});
  map.attributionControl.setPrefix("Leaflet");  // no national symbol on a city map
  L.control.scale({imperial: false}).addTo(map);
  if (hot.length === 0) { map.setView([0, 0], 2); return; }
  var most = Math.max.apply(null, hot.map(function (h) { return h.cases; }));
  var group = L.featureGroup().addTo(map);
  hot.forEach(function (h) {
    var share = h.cases / most;
    var colour = share > 0.66 ? "#a40000" : share > 0.33 ? "#d9480f" : "#f08c00";
    var label = document.createElement("span");  // text, never markup: names come from files
    label.textContent = h.rank + ". " + h.name + " · " + h.cases;
    L.polyline(h.line, {color: colour, weight: 4 + 6 * share, opacity: 0.9})
      .bindTooltip(label)
      .addTo(group);
  });
  map.fitBounds(group.getBounds().pad(0.2), {maxZoom: 17});
  el.dataset.lines = String(hot.length);  // read by the browser test
})();
