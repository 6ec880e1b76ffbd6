// A chief's phone map: day tabs (the next tour chosen by the city's clock), the tour's path with
// its direction, start and end, street names, the stop list. Data: RC_DATA (render/chief_pages.py).
(function () {
  var D = RC_DATA, W = D.words;
  function esc(s) {
    return String(s === null || s === undefined ? '' : s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  var map = L.map('map', {zoomSnap: 0.25, zoomDelta: 0.5, maxZoom: 19, minZoom: 11,
    tap: true, attributionControl: true});
  map.attributionControl.setPrefix('Leaflet');
  L.control.scale({imperial: false, metric: true, position: 'topright'}).addTo(map);
  D.tiles.forEach(function (t) {
    L.tileLayer(t.url, {attribution: t.attribution, subdomains: t.subdomains,
      maxZoom: t.maxZoom}).addTo(map);
  });
  var streets = L.layerGroup().addTo(map);
  D.streets.forEach(function (line) {
    L.polyline(line, {color: '#b9b9b9', weight: 3, interactive: false}).addTo(streets);
  });
  D.own.forEach(function (s) {
    L.polyline(s.line, {color: '#6b6b6b', weight: 10, opacity: 0.35, className: 'rc-own'})
      .bindPopup('<div class="rc-pop"><b>' + esc(s.road) + '</b><br>' + esc(s.span) + '<br>' +
        esc(W.mine) + ' · ' + esc(W.patrols) + ' ' + esc(s.plan) + ' / ' + esc(s.req) + '</div>')
      .addTo(streets);
  });
  D.labels.forEach(function (l) {
    L.marker(l.at, {interactive: false, keyboard: false, icon: L.divIcon({className: 'rc-label',
      iconSize: [0, 0], html: '<span style="transform:translate(-50%,-50%) rotate(' + l.angle +
        'deg)">' + esc(l.text) + '</span>'})}).addTo(streets);
  });
  function labelsByZoom() {
    map.getContainer().classList.toggle('rc-nolabels', map.getZoom() < 15);
  }
  map.on('zoomend', labelsByZoom);

  var tabs = L.DomUtil.create('div', 'rc-tabs', document.body);
  var panel = L.DomUtil.create('div', 'rc-panel', document.body);
  L.DomEvent.disableClickPropagation(tabs);
  L.DomEvent.disableClickPropagation(panel);
  L.DomEvent.disableScrollPropagation(panel);
  var layer = null, popups = [];

  function arrow(at, angle) {
    return L.marker(at, {interactive: false, keyboard: false, icon: L.divIcon({
      className: 'rc-arrow', iconSize: [16, 16], iconAnchor: [8, 8],
      html: '<div style="transform:rotate(' + angle + 'deg)">&#10148;</div>'})});
  }
  function endMarker(at, text, cls) {
    return L.marker(at, {icon: L.divIcon({className: 'rc-end ' + cls, iconSize: [30, 30],
      iconAnchor: [15, 15], html: '<span>' + esc(text) + '</span>'}), zIndexOffset: 1000});
  }
  function stopPopup(t, s) {
    return '<div class="rc-pop"><b>' + esc(s.n) + '. ' + esc(s.road) + '</b><br>' +
      esc(s.span) + '<br>' + esc(s.length) + (s.walk ? ' · ' + esc(W.walkTo) + ' ' +
      esc(s.walk) : '') + (s.helping ? '<br>' + esc(W.helping) + ' ' + esc(s.helping) : '') +
      notes(s, '<br>') + '<br>' + esc(t.when) + '</div>';
  }
  function notes(s, sep) {
    return s.notes.map(function (n) { return sep + '<span class="rc-note">' + esc(n) + '</span>'; })
      .join('');
  }
  function show(i) {
    if (layer) { map.removeLayer(layer); }
    popups = [];
    Array.prototype.forEach.call(tabs.querySelectorAll('button'), function (b) {
      b.setAttribute('aria-selected', String(b.dataset.tour === String(i)));
    });
    var t = D.tours[i];
    layer = L.featureGroup().addTo(map);
    t.steps.forEach(function (step) {
      L.polyline(step.line, {color: '#0b3d73', weight: 3, opacity: 0.9,
        dashArray: step.straight ? '2 7' : '7 6', interactive: false,
        className: 'rc-path'}).addTo(layer);
      if (step.arrow) { arrow(step.arrow.at, step.arrow.angle).addTo(layer); }
    });
    t.stops.forEach(function (s) {
      var line = L.polyline(s.line, {color: s.helping ? '#a14400' : '#1565c0', weight: 7,
        opacity: 0.95, className: 'rc-tour'}).addTo(layer);
      var pop = stopPopup(t, s);
      line.bindPopup(pop);
      arrow(s.arrow.at, s.arrow.angle).addTo(layer);
      var num = L.marker(s.mid, {icon: L.divIcon({className: 'rc-num' + (s.notes.length ? ' rc-flag' : ''), iconSize: [26, 26],
        iconAnchor: [13, 13], html: '<span>' + esc(s.n) + '</span>'}),
        zIndexOffset: s.notes.length ? 600 : 500})
        .bindPopup(pop).addTo(layer);
      popups.push(num);
    });
    if (t.stops.length) {
      endMarker(t.start, W.start, 'rc-start').bindPopup(esc(W.startLong)).addTo(layer);
      endMarker(t.end, W.end, 'rc-finish').bindPopup(esc(W.endLong)).addTo(layer);
    }
    var items = t.stops.map(function (s, k) {
      return '<li data-k="' + k + '"><span class="rc-n">' + esc(s.n) + '</span><span><b>' +
        esc(s.road) + '</b> ' + esc(s.span) + '<br>' + esc(s.length) +
        (s.walk ? ' · ' + esc(W.walkTo) + ' ' + esc(s.walk) : '') +
        (s.helping ? ' · <span class="rc-help">' + esc(W.helping) + ' ' + esc(s.helping) +
          '</span>' : '') + notes(s, '<br>') + '</span></li>';
    }).join('');
    panel.innerHTML = '<details open><summary>' + esc(t.when) + ' · ' + esc(t.summary) +
      '</summary><div class="rc-who">' + esc(D.person.line) + (D.person.more ?
        '<br>' + D.person.more : '') + (t.helpZone ? '<br>' + esc(t.helpZone) : '') +
      '</div><ol class="rc-stops">' + items + '</ol></details>';
    Array.prototype.forEach.call(panel.querySelectorAll('li'), function (li) {
      li.addEventListener('click', function () {
        var k = Number(li.dataset.k);
        map.flyTo(t.stops[k].mid, Math.max(map.getZoom(), 17), {duration: 0.4});
        setTimeout(function () { popups[k].openPopup(); }, 450);
      });
    });
    fitTo(layer.getBounds());
  }
  function fitTo(bounds) {
    if (!bounds.isValid()) { return; }
    var top = tabs.offsetHeight + 20, bottom = Math.min(panel.offsetHeight, window.innerHeight * 0.36) + 20;
    map.fitBounds(bounds, {paddingTopLeft: [12, top], paddingBottomRight: [12, bottom], maxZoom: 18});
  }
  // The city's clock now, as 'YYYY-MM-DDTHH:MM' (the phone's own clock if the browser
  // cannot convert to the city's time zone).
  function cityNow() {
    var now = new Date(), pad = function (n) { return (n < 10 ? '0' : '') + n; };
    try {
      if (D.timeZone) {
        var p = {};
        new Intl.DateTimeFormat('en-GB', {timeZone: D.timeZone, year: 'numeric',
          month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
          hourCycle: 'h23'}).formatToParts(now).forEach(function (x) { p[x.type] = x.value; });
        return p.year + '-' + p.month + '-' + p.day + 'T' + p.hour + ':' + p.minute;
      }
    } catch (e) { /* fall back to the phone's clock */ }
    return now.getFullYear() + '-' + pad(now.getMonth() + 1) + '-' + pad(now.getDate()) +
      'T' + pad(now.getHours()) + ':' + pad(now.getMinutes());
  }
  // The next tour: the first not yet over (a tour under way counts), else the last.
  function nextTour() {
    var now = cityNow();
    for (var i = 0; i < D.tours.length; i++) {
      if (D.tours[i].until > now) { return i; }
    }
    return D.tours.length - 1;
  }
  tabs.innerHTML = D.days.map(function (d) {
    return '<button type="button" role="tab" data-tour="' + (d.tour === null ? '' : d.tour) +
      '"' + (d.tour === null ? ' disabled' : '') + ' aria-selected="false"><b>' +
      esc(d.weekday) + '</b>' + esc(d.date) + '</button>';
  }).join('');
  Array.prototype.forEach.call(tabs.querySelectorAll('button:not([disabled])'), function (b) {
    b.addEventListener('click', function () { show(Number(b.dataset.tour)); });
  });
  if (D.tours.length) {
    show(nextTour());
  } else {
    panel.innerHTML = '<div class="rc-who"><b>' + esc(D.person.line) + '</b>' +
      (D.person.more ? '<br>' + D.person.more : '') + '</div><div class="rc-none">' +
      esc(W.noTours) + '</div>';
    fitTo(L.latLngBounds(D.bounds));
  }
  labelsByZoom();
})();
