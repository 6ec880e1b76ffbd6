var RC = (function () {
  var T = /*RC_TABLES*/null;
  function esc(s) {
    return String(s === null || s === undefined ? '' : s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function chief(id) { return T.chiefs[id] || id || '—'; }
  function zone(id) { return T.zones[id] || id || '—'; }
  function road(p) { return p.road ? esc(p.road) : esc(T.words.unnamed); }
  function span(p) {
    var e = (p.ends || []).filter(function (x) { return x; });
    return e.length ? '<br>' + T.words.span + ' ' + esc(e.join(' — ')) : '';
  }
  function notes(p) {
    return (p.notes || []).map(function (n) {
      return '<br><b class="rc-note">' + esc(n) + '</b>';
    }).join('');
  }
  function segmentTip(p) {
    return '<b>' + road(p) + '</b> ' + esc(p.id) + span(p) + '<br>' + esc(zone(p.zone)) +
      ' · ' + T.words.owner + ' ' + esc(chief(p.owner)) + '<br>' + T.words.patrols + ' ' +
      esc(p.plan) + ' / ' + esc(p.req) + notes(p);
  }
  function segmentPopup(p) {
    var rows = (p.patrols || []).map(function (r) {
      return '<tr><td>' + esc(T.days[r[0]] || r[0]) + '</td><td>' + esc(T.slots[r[1]] || r[1]) +
        '</td><td>' + esc(chief(r[2])) + '</td></tr>';
    });
    return '<div class="rc-pop"><b>' + road(p) + '</b> ' + esc(p.id) + '<br>' +
      T.words.patrols + ' ' + esc(p.plan) + ' / ' + esc(p.req) + notes(p) +
      (rows.length ? '<table>' + rows.join('') + '</table>' : '<br>' + T.words.none) + '</div>';
  }
  function unplacedTip(p) {
    return '<div class="rc-pop"><b>' + esc(T.words.unplaced) + '</b><br>' + road(p) + '<br>' +
      esc(p.reason) + '</div>';
  }
  function placeTip(p) {
    return '<b>' + esc(p.name || p.id) + '</b><br>' + T.words.place + ' · ' + esc(p.type);
  }
  var HOVER = typeof window !== 'undefined' && !!window.matchMedia &&
    window.matchMedia('(hover: hover)').matches;
  function popupWidth() { return Math.max(200, Math.min(320, window.innerWidth - 50)); }
  // One popup a tap: tooltips only where a pointer hovers, closed when the popup opens.
  function bind(tip, popup) {
    return function (feature, layer) {
      function tooltip() {
        layer.bindTooltip(function () { return tip(feature.properties); }, {sticky: true});
      }
      if (HOVER) { tooltip(); }
      layer.bindPopup(function () { return (popup || tip)(feature.properties); },
        {maxWidth: popupWidth(), autoPanPadding: [20, 60]});
      layer.on('popupopen', function () { layer.unbindTooltip(); });
      layer.on('popupclose', function () { if (HOVER) { tooltip(); } });
    };
  }
  var segments = [];
  // A city has tens of thousands of segments: one shared popup and tooltip and two shared
  // handlers, not a popup, a tooltip and their listeners per segment.
  var shared = {popup: null, tip: null};
  function segmentClick(e) {
    var layer = e.target, map = layer._map;
    if (shared.tip) { shared.tip.remove(); }
    shared.popup = L.popup({maxWidth: popupWidth(), autoPanPadding: [20, 60]})
      .setLatLng(e.latlng).setContent(segmentPopup(layer.feature.properties)).openOn(map);
  }
  function segmentOver(e) {
    var layer = e.target, map = layer._map;
    if (shared.popup && map.hasLayer(shared.popup)) { return; }
    shared.tip = (shared.tip || L.tooltip({sticky: true}))
      .setLatLng(e.latlng).setContent(segmentTip(layer.feature.properties));
    shared.tip.addTo(map);
  }
  function segmentMove(e) { if (shared.tip) { shared.tip.setLatLng(e.latlng); } }
  function segmentOut() { if (shared.tip) { shared.tip.remove(); } }
  var COUNT_COLOURS = ['#bdbdbd', '#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
  var COVERAGE = ['#7b3294', '#e08214', '#1a9850', '#00441b', '#9e9e9e'];
  function coverageColour(p) {
    if (!p.req) { return COVERAGE[4]; }
    return COVERAGE[p.plan <= 0 ? 0 : p.plan < p.req ? 1 : p.plan === p.req ? 2 : 3];
  }
  function countColour(n) {
    return COUNT_COLOURS[n <= 0 ? 0 : n <= 2 ? n : n <= 4 ? 3 : n <= 6 ? 4 : 5];
  }
  function option(value, label) {
    return '<option value="' + esc(value) + '">' + esc(label) + '</option>';
  }
  // Colour by coverage, owner or patrol count; show one day's segments; find a person.
  function overviewControl(map, o) {
    COVERAGE = o.coverage || COVERAGE;
    L.control.scale({imperial: false, metric: true, position: 'bottomright'}).addTo(map);
    map.setMaxZoom(19);
    map.whenReady(function () { map.setMinZoom(Math.max(0, Math.floor(map.getZoom()) - 2)); });
    var labels = L.layerGroup().addTo(map);
    (o.zones || []).forEach(function (z) {
      L.marker(z.at, {interactive: false, keyboard: false, icon: L.divIcon({
        className: 'rc-zlabel', iconSize: [0, 0],
        html: '<span>' + esc(z.name) + '<br><b>' + esc(z.share) + '</b></span>'})}).addTo(labels);
    });
    // Zoomed out, zone labels pile up: show a label only where it overlaps none shown.
    function declutter() {
      var shown = [];
      labels.eachLayer(function (m) {
        var el = m.getElement() && m.getElement().firstChild;
        if (!el) { return; }
        el.style.visibility = 'visible';
        var r = el.getBoundingClientRect();
        var hit = shown.some(function (o) {
          return r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom;
        });
        if (hit) { el.style.visibility = 'hidden'; } else { shown.push(r); }
      });
    }
    map.on('zoomend', declutter);
    map.whenReady(declutter);
    var people = {};
    var control = L.control({position: 'topright'});
    control.onAdd = function () {
      var div = L.DomUtil.create('div', 'leaflet-control rc-ctl');
      var list = (o.people || []).map(function (p) {
        people[p[1]] = p;
        return '<option value="' + esc(p[1]) + '"></option>';
      }).join('');
      var swatches = ['0', '1', '2', '3–4', '5–6', '7+'].map(function (label, i) {
        return '<span class="rc-swatch" style="border-color:' + COUNT_COLOURS[i] + '"></span>' +
          label;
      }).join(' ');
      div.innerHTML =
        '<details><summary>' + esc(T.words.colour) + ' / ' + esc(T.words.find) + '</summary>' +
        '<label>' + T.words.colour + ' <select name="mode">' +
        option('coverage', T.words.byCoverage) + option('owner', T.words.byOwner) +
        option('count', T.words.byCount) + '</select></label>' +
        '<label>' + T.words.day + ' <select name="day">' + option('', T.words.all) +
        o.days.map(function (d) { return option(d[0], d[1]); }).join('') + '</select></label>' +
        '<label>' + T.words.find + ' <input name="who" list="rc-people" autocomplete="off">' +
        '</label><datalist id="rc-people">' + list + '</datalist>' +
        '<div class="rc-counts" hidden>' + swatches + '</div></details>';
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var get = function (name) { return div.querySelector('[name="' + name + '"]').value; };
      function update() {
        var mode = get('mode'), day = get('day'), who = people[get('who')];
        var chief = who ? who[0] : '';
        div.querySelector('.rc-counts').hidden = mode !== 'count';
        segments.forEach(function (layer) {
          var p = layer.feature.properties;
          var mine = !chief || p.owner === chief || (p.patrols || []).some(
            function (r) { return r[2] === chief; });
          var shown = mine && (!day || (p.patrols || []).some(function (r) { return r[0] === day; }));
          layer.setStyle({
            color: mode === 'count' ? countColour(p.plan) :
              mode === 'owner' ? p.oc : coverageColour(p),
            opacity: shown ? p.style.opacity : 0.08,
            weight: chief && mine ? 6 : p.style.weight
          });
        });
        if (who) { map.fitBounds(who[2], {padding: [30, 30], maxZoom: 17}); }
      }
      div.addEventListener('change', update);
      div.querySelector('[name="who"]').addEventListener('input', function () {
        if (people[get('who')] || !get('who')) { update(); }
      });
      return div;  // drawn by coverage already (the features' style): no first pass
    };
    control.addTo(map);
    return control;
  }
  return {
    esc: esc,
    segmentTip: segmentTip,
    segmentPopup: segmentPopup,
    countColour: countColour,
    coverageColour: coverageColour,
    overviewControl: overviewControl,
    bindSegment: function (feature, layer) {
      segments.push(layer);
      layer.on('click', segmentClick);
      if (HOVER) {
        layer.on({mouseover: segmentOver, mousemove: segmentMove, mouseout: segmentOut});
      }
    },
    bindPlace: bind(placeTip, placeTip),
    placeMarker: function (feature, latlng) {
      return L.circleMarker(latlng, {radius: 6, color: '#333', weight: 1, fillColor: '#ffcc00',
        fillOpacity: 0.95, className: 'rc-place'});
    },
    bindZone: function (feature, layer) {  // named by its label: a popup only, no tooltip
      layer.bindPopup('<b>' + esc(feature.properties.name) + '</b>');
    },
    bindUnplaced: bind(unplacedTip, unplacedTip),
  };
})();
