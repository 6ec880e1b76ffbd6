// Draw a recorded patrol on a plain map (no base tiles: it works offline).
(function () {
  "use strict";
  var el = document.getElementById("track-map");
  var data = document.getElementById("track-data");
  if (!el || !data || typeof L === "undefined") { return; }
  var line = JSON.parse(data.textContent);
  var map = L.map(el, {zoomControl: true});
  map.attributionControl.setPrefix("Leaflet");  // no national symbol on a city map
  L.control.scale({imperial: false}).addTo(map);
  if (line.length === 0) { map.setView([0, 0], 2); return; }
  var path = L.polyline(line, {color: "#1d5fa8", weight: 5}).addTo(map);
  L.circleMarker(line[0], {radius: 7, color: "#0a6b2b", fillOpacity: 1}).addTo(map);
  L.circleMarker(line[line.length - 1], {radius: 7, color: "#a40000", fillOpacity: 1}).addTo(map);
  map.fitBounds(path.getBounds().pad(0.2), {maxZoom: 18});
})();
