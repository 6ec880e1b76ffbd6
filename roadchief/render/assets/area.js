// A supervision page's map: the zone's segments coloured by coverage, the short ones
// marked, one popup a tap, street names. Data: RC_DATA (render/area_maps.py).
(function () {
  var D = RC_DATA, W = D.words;
  function esc(s) {
    return String(s === null || s === undefined ? '' : s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  var map = L.map('map', {zoomSnap: 0.25, zoomDelta: 0.5, maxZoom: 19, minZoom: 10,
    tap: true, scrollWheelZoom: false});
  map.attributionControl.setPrefix('Leaflet');
  L.control.scale({imperial: false, metric: true, position: 'topright'}).addTo(map);
  D.tiles.forEach(function (t) {
    L.tileLayer(t.url, {attribution: t.attribution, subdomains: t.subdomains,
      maxZoom: t.maxZoom}).addTo(map);
  });
  D.segs.forEach(function (s) {
    if (s.short) {
      L.polyline(s.line, {color: '#b00020', weight: 12, opacity: 0.85, dashArray: '3 6',
        lineCap: 'butt', interactive: false, className: 'rc-short'}).addTo(map);
    }
  });
  D.segs.forEach(function (s) {
    L.polyline(s.line, {color: D.colours[s.c][1], weight: 6, opacity: 0.95,
      className: 'rc-aseg'})
      .bindPopup('<div class="rc-pop"><b>' + esc(s.road) + '</b><br>' + esc(s.span) +
        '<br>' + esc(s.owner) + '<br>' + esc(W.patrols) + ' ' + esc(s.plan) + ' / ' +
        esc(s.req) + (s.notes || []).map(function (n) {
          return '<br><b class="rc-note">' + esc(n) + '</b>';
        }).join('') + '</div>')
      .addTo(map);
  });
  D.labels.forEach(function (l) {
    L.marker(l.at, {interactive: false, keyboard: false, icon: L.divIcon({className: 'rc-label',
      iconSize: [0, 0], html: '<span style="transform:translate(-50%,-50%) rotate(' + l.angle +
        'deg)">' + esc(l.text) + '</span>'})}).addTo(map);
  });
  function labelsByZoom() {
    map.getContainer().classList.toggle('rc-nolabels', map.getZoom() < 15);
  }
  map.on('zoomend', labelsByZoom);
  var legend = L.control({position: 'bottomleft'});
  legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'rc-legend');
    var used = {};
    D.segs.forEach(function (s) { used[s.c] = true; });
    div.innerHTML = '<b>' + esc(W.legend) + '</b>' + D.colours.map(function (c, i) {
      return used[i] ? '<span><i style="background:' + c[1] + '"></i>' + esc(c[0]) + '</span>'
        : '';
    }).join('') + '<span><i class="rc-short-key"></i>' + esc(W.short) + '</span>';
    return div;
  };
  legend.addTo(map);
  map.fitBounds(D.bounds, {padding: [10, 10], maxZoom: 18});
  labelsByZoom();
})();
