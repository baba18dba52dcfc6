/* Vigía maps: the investments and boundaries of the folium map, loaded as GeoJSON.
   Served as a file (the CSP allows no inline code but folium's own, which carries the nonce). */
(function () {
  "use strict";
  // The map is shown only when it can work: without JavaScript the list below it is the page.
  document.documentElement.classList.add("has-js");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    });
  }

  function line(label, value) {
    var p = el("p", "map-popup-line");
    p.appendChild(el("span", "map-popup-label", label + ": "));
    p.appendChild(el("span", null, value));
    return p;
  }

  function popupFor(props, options) {
    var labels = options.labels;
    var box = el("div", "map-popup");
    box.appendChild(el("p", "map-popup-name", props.n));
    box.appendChild(line("CUI", props.c));
    box.appendChild(line(labels.status, labels.statuses[props.s] || props.s));
    // Figures come written by the server (kt, pt), rounded and labelled as on the pages.
    box.appendChild(line(labels.cost, props.kt || "—"));
    box.appendChild(line(labels.progress, props.pt || "—"));
    if (props.a) box.appendChild(el("p", "map-popup-note", labels.approximate));
    var link = el("a", "map-popup-link", labels.link);
    link.href = options.link.replace("{cui}", encodeURIComponent(props.c));
    box.appendChild(link);
    return box;
  }

  // Fit once the opening zoom animation (to the region) has ended: Leaflet ends an animated zoom
  // by moving to where that animation was going, which undid a fit made meanwhile on a fast load.
  function fitWhenStill(map, bounds, fitOptions) {
    if (map._animatingZoom) {
      map.once("zoomend", function () { map.fitBounds(bounds, fitOptions); });
    } else {
      map.fitBounds(bounds, fitOptions);
    }
  }

  // Popups fit the map: no wider than it, and panned clear of the zoom buttons (top left) so
  // their first line and their close button can be read and reached.
  function popupOptions(map) {
    return {
      maxWidth: Math.max(160, Math.min(300, map.getSize().x - 100)),
      minWidth: Math.min(192, map.getSize().x - 100),
      autoPanPaddingTopLeft: L.point(8, 112),
      autoPanPaddingBottomRight: L.point(8, 8)
    };
  }

  // On a touch screen one finger scrolls the page and two move the map (a pinch zooms): with
  // Leaflet's one-finger drag off, the map lets the browser pan the page (touch-action pan-x
  // pan-y). A map that took every swipe trapped the finger of someone reading the page.
  function gestures(map, options) {
    var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    if (!coarse && !L.Browser.mobile) return;
    map.dragging.disable();
    var container = map.getContainer();
    var hint = el("p", "map-hint", options.hint);
    hint.setAttribute("aria-hidden", "true");
    container.appendChild(hint);
    var timer = null;
    container.addEventListener("touchstart", function (event) {
      if (event.touches.length > 1) {
        map.dragging.enable();
        container.classList.remove("map-hint-shown");
      }
    }, { passive: true });
    container.addEventListener("touchmove", function (event) {
      if (event.touches.length !== 1) return;
      container.classList.add("map-hint-shown");
      clearTimeout(timer);
      timer = setTimeout(function () { container.classList.remove("map-hint-shown"); }, 1500);
    }, { passive: true });
    container.addEventListener("touchend", function (event) {
      if (event.touches.length === 0) map.dragging.disable();
    }, { passive: true });
  }

  // Map data by place (a national portal's country or department, or a selection too large to
  // send point by point): one circle per place, its area proportional to its investments,
  // leading to the map of that place.
  function placeCircles(map, data, options) {
    var labels = options.labels, status = document.getElementById("map-status");
    var most = 1;
    data.features.forEach(function (f) { most = Math.max(most, f.properties.i); });
    var layer = L.featureGroup().addTo(map);
    data.features.forEach(function (f) {
      var c = f.geometry.coordinates, p = f.properties;
      var circle = L.circleMarker([c[1], c[0]], {
        radius: 6 + 26 * Math.sqrt(p.i / most),
        className: "map-place-circle"
      }).addTo(layer);
      var box = el("div", "map-popup");
      box.appendChild(el("p", "map-popup-name", p.n));
      box.appendChild(line(labels.investments, p.it));
      box.appendChild(line(labels.cost, p.kt));
      var link = el("a", "map-popup-link", labels.place_link);
      link.href = (options.places[data.aggregate] || "").replace("{ubigeo}", encodeURIComponent(p.u));
      box.appendChild(link);
      circle.bindTooltip(p.n + ": " + p.it, { sticky: true });
      circle.bindPopup(box, popupOptions(map));
    });
    if (status) {
      var text = labels.places.replace("{count}", data.totalt).replace("{places}", data.features.length);
      if (data.unplaced) text += " " + labels.unplaced.replace("{count}", data.unplacedt);
      status.textContent = text;
    }
  }

  function points(map, options) {
    var status = document.getElementById("map-status");
    var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 });
    map.addLayer(cluster);
    getJSON(options.url).then(function (data) {
      if (data.aggregate) return placeCircles(map, data, options);
      var markers = [];
      data.features.forEach(function (f) {
        if (!f.geometry) return;
        var c = f.geometry.coordinates, p = f.properties;
        var icon = L.divIcon({
          className: "map-pin map-pin-" + p.s + (p.a ? " map-pin-approx" : ""),
          iconSize: [24, 24]
        });
        var marker = L.marker([c[1], c[0]], { icon: icon, title: p.n, alt: p.n, keyboard: true });
        marker.bindPopup(function () { return popupFor(p, options); }, popupOptions(map));
        markers.push(marker);
      });
      cluster.addLayers(markers);
      // A unit or words chosen without a place: go to where those investments are.
      // (From the markers: the cluster adds them in chunks, so its bounds are not known yet. No
      // animation: a zoom animated while the clusters load is dropped, and a jump is cheaper.)
      if (options.fit && markers.length) {
        var where = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
        fitWhenStill(map, where, { padding: [24, 24], maxZoom: 13, animate: false });
      }
      if (status) status.textContent = (markers.length === 1 ? options.labels.loaded_one : options.labels.loaded).replace("{count}", markers.length);
    }).catch(function () {
      if (status) status.textContent = options.labels.failed;
    });
  }

  // The place a person chose (options.chosen, a ubigeo) is outlined; the server already opened
  // the map on it.
  function chosenClass(f, options) {
    return f.id === options.chosen ? " map-chosen" : "";
  }

  function boundaries(map, options) {
    var choro = options.choropleth;
    var districtLayer = L.geoJSON(null, {
      style: function (f) {
        if (!choro) return { className: "map-district" + chosenClass(f, options) };
        var entry = choro[f.id];
        return { className: "map-district choro " + (entry ? "choro-" + entry[0] : "choro-none") + chosenClass(f, options) };
      },
      onEachFeature: function (f, layer) {
        var tip = el("span", null, f.properties.name);
        if (choro) {
          var entry = choro[f.id];
          tip.textContent = f.properties.name + ": " + (entry ? entry[1] : "—");
        }
        layer.bindTooltip(tip, { sticky: true });
      }
    }).addTo(map);
    var provinceLayer = L.geoJSON(null, {
      style: function (f) { return { className: "map-province" + chosenClass(f, options), fill: false }; },
      interactive: false
    }).addTo(map);
    getJSON(options.districts).then(function (d) {
      districtLayer.addData(d);
      districtLayer.bringToBack();
      var coloured = [];
      districtLayer.eachLayer(function (layer) {
        if (layer.feature.id === options.chosen) layer.bringToFront();
        if (choro && choro[layer.feature.id]) coloured.push(layer);
      });
      // A unit or words chosen without a place: go to the districts that have their investments.
      if (options.fit && coloured.length) fitWhenStill(map, L.featureGroup(coloured).getBounds(), { padding: [24, 24], animate: false });
    });
    getJSON(options.provinces).then(function (d) { provinceLayer.addData(d); });
  }

  window.VigiaMap = { points: points, boundaries: boundaries, gestures: gestures };
})();
