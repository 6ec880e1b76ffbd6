var RC = (function () {
  var T = /*RC_TABLES*/null;
  function esc(s) {
    return String(s === null || s === undefined ? '' : s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function chief(id) { return T.chiefs[id] || id || '—'; }
  function zone(id) { return T.zones[id] || id || '—'; }
  function road(p) { return p.road ? esc(p.road) : '（无名道路）'; }
  function span(p) {
    var e = (p.ends || []).filter(function (x) { return x; });
    return e.length ? '<br>' + T.words.span + ' ' + esc(e.join(' — ')) : '';
  }
  function segmentTip(p) {
    return '<b>' + road(p) + '</b> ' + esc(p.id) + span(p) + '<br>' + esc(zone(p.zone)) +
      ' · ' + T.words.owner + ' ' + esc(chief(p.owner)) + '<br>' + T.words.patrols + ' ' +
      esc(p.plan) + ' / ' + esc(p.req);
  }
  function segmentPopup(p) {
    var rows = (p.patrols || []).map(function (r) {
      return '<tr><td>' + esc(T.days[r[0]] || r[0]) + '</td><td>' + esc(T.slots[r[1]] || r[1]) +
        '</td><td>' + esc(chief(r[2])) + '</td></tr>';
    });
    return '<div class="rc-pop"><b>' + road(p) + '</b> ' + esc(p.id) + '<br>' +
      T.words.patrols + ' ' + esc(p.plan) + ' / ' + esc(p.req) +
      (rows.length ? '<table>' + rows.join('') + '</table>' : '<br>' + T.words.none) + '</div>';
  }
  function unplacedTip(p) {
    return '<b>' + T.words.unplaced + '</b> ' + esc(p.id) + '<br>' + road(p) + '<br>' +
      esc(p.reason);
  }
  function stopTip(p) {
    return '<b>' + esc(p.order) + '. ' + road(p) + '</b> ' + esc(p.id) + '<br>' +
      esc(p.when) + (p.helper ? '<br>' + T.words.helper + ' ' + esc(chief(p.owner)) : '');
  }
  function ownTip(p) {
    return '<b>' + road(p) + '</b> ' + esc(p.id) + '<br>' + T.words.patrols + ' ' +
      esc(p.plan) + ' / ' + esc(p.req);
  }
  function placeTip(p) {
    return '<b>' + esc(p.name || p.id) + '</b><br>' + T.words.place + ' · ' + esc(p.type);
  }
  function bind(tip, popup) {
    return function (feature, layer) {
      layer.bindTooltip(function () { return tip(feature.properties); }, {sticky: true});
      if (popup) {
        layer.bindPopup(function () { return popup(feature.properties); }, {maxWidth: 300});
      }
    };
  }
  var segments = [];
  var bindSegmentFeature = bind(segmentTip, segmentPopup);
  var COUNT_COLOURS = ['#d62728', '#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
  function countColour(n) {
    return COUNT_COLOURS[n <= 0 ? 0 : n <= 2 ? n : n <= 4 ? 3 : n <= 6 ? 4 : 5];
  }
  function option(value, label) {
    return '<option value="' + esc(value) + '">' + esc(label) + '</option>';
  }
  // Colour by owner or by patrol count; show one day's or one chief's segments only.
  function overviewControl(map, o) {
    var control = L.control({position: 'topright'});
    control.onAdd = function () {
      var div = L.DomUtil.create('div', 'leaflet-control rc-ctl');
      var chiefs = o.owners.map(function (g) {
        return '<optgroup label="' + esc(g[0]) + '">' + g[1].map(function (c) {
          return option(c[0], c[1]);
        }).join('') + '</optgroup>';
      }).join('');
      var swatches = ['0', '1', '2', '3–4', '5–6', '7+'].map(function (label, i) {
        return '<span class="rc-swatch" style="border-color:' + COUNT_COLOURS[i] + '"></span>' +
          label;
      }).join(' ');
      div.innerHTML =
        '<label>' + T.words.colour + ' <select name="mode">' + option('owner', T.words.byOwner) +
        option('count', T.words.byCount) + '</select></label>' +
        '<label>' + T.words.day + ' <select name="day">' + option('', T.words.all) +
        o.days.map(function (d) { return option(d[0], d[1]); }).join('') + '</select></label>' +
        '<label>' + T.words.chief + ' <select name="chief">' + option('', T.words.all) + chiefs +
        '</select></label><div class="rc-counts" hidden>' + swatches + '</div>';
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var get = function (name) { return div.querySelector('[name="' + name + '"]').value; };
      div.addEventListener('change', function () {
        var mode = get('mode'), day = get('day'), chief = get('chief');
        div.querySelector('.rc-counts').hidden = mode !== 'count';
        segments.forEach(function (layer) {
          var p = layer.feature.properties;
          var shown = (!chief || p.owner === chief) && (!day || (p.patrols || []).some(
            function (r) { return r[0] === day; }));
          layer.setStyle({
            color: mode === 'count' ? countColour(p.plan) : p.style.color,
            opacity: shown ? p.style.opacity : 0.08
          });
        });
      });
      return div;
    };
    control.addTo(map);
    return control;
  }
  return {
    esc: esc,
    segmentTip: segmentTip,
    segmentPopup: segmentPopup,
    countColour: countColour,
    overviewControl: overviewControl,
    bindSegment: function (feature, layer) {
      segments.push(layer);
      bindSegmentFeature(feature, layer);
    },
    bindPlace: bind(placeTip, placeTip),
    placeMarker: function (feature, latlng) {
      return L.circleMarker(latlng, {radius: 6, color: '#333', weight: 1, fillColor: '#ffcc00',
        fillOpacity: 0.95, className: 'rc-place'});
    },
    bindZone: bind(function (p) { return '<b>' + esc(p.name) + '</b> ' + esc(p.zone_id); }),
    bindUnplaced: bind(unplacedTip, unplacedTip),
    bindOwn: bind(ownTip, segmentPopup),
    bindStop: bind(stopTip, stopTip),
    numberMarker: function (feature, latlng) {
      var p = feature.properties;
      return L.marker(latlng, {icon: L.divIcon({
        className: 'rc-num', iconSize: [22, 22], iconAnchor: [11, 11],
        html: '<span style="background:' + esc(p.colour) + '">' + esc(p.order) + '</span>'
      })});
    }
  };
})();
