/* Draw an area on the partnership's ward map (csphub.core.forms.DrawAreaWidget).
 *
 * Progressive enhancement: the form's textarea takes pasted GeoJSON without this script. With
 * it, each .csphub-draw-area box fetches its base map (an SVG from csphub.analytics.area_drawing,
 * which carries its extent as data-min-lon ... data-aspect), shows it, and turns clicks (or the
 * arrow keys and Enter) into the corners of a polygon, written into the textarea as a GeoJSON
 * Polygon in longitude/latitude with a closed ring. No framework, no inline script, no eval:
 * the site's Content-Security-Policy allows only static scripts from the site itself.
 *
 * Point mode (data-draw-mode="point", csphub.core.forms.PickPointWidget): one click chooses one
 * place, written into the latitude box (data-latitude-for) and the longitude box (data-draw-for).
 */
(function () {
  'use strict';

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var DECIMALS = 6; // about 10 cm: more than a click can mean

  /* The projection of area_drawing.Projection, backwards and forwards. */
  function projectionOf(svg) {
    var p = {};
    ['min-lon', 'min-lat', 'max-lon', 'max-lat', 'width', 'aspect'].forEach(function (name) {
      p[name] = parseFloat(svg.getAttribute('data-' + name));
    });
    var scale = p.width / (p['max-lon'] - p['min-lon']);
    return {
      toLonLat: function (x, y) {
        return [p['min-lon'] + x / scale, p['max-lat'] - y / (scale * p.aspect)];
      },
      toSvg: function (lon, lat) {
        return [(lon - p['min-lon']) * scale, (p['max-lat'] - lat) * scale * p.aspect];
      }
    };
  }

  function round(value) {
    var factor = Math.pow(10, DECIMALS);
    return Math.round(value * factor) / factor;
  }

  function element(name, attributes) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  /* The corners already in the textarea (a Polygon's outer ring), so a form shown again after an
     error keeps its drawing; [] for anything else (then the text is left as the user wrote it). */
  function pointsFrom(text) {
    try {
      var data = JSON.parse(text);
      if (data && data.type === 'Feature') { data = data.geometry; }
      if (!data || data.type !== 'Polygon' || !Array.isArray(data.coordinates[0])) { return []; }
      var ring = data.coordinates[0].slice();
      if (ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]) {
        ring.pop();
      }
      return ring.map(function (c) { return [Number(c[0]), Number(c[1])]; });
    } catch (e) {
      return [];
    }
  }

  function wardAt(svg, x, y) {
    var paths = svg.querySelectorAll('#draw-wards path');
    for (var i = 0; i < paths.length; i += 1) {
      if (paths[i].isPointInFill && paths[i].isPointInFill(new DOMPoint(x, y))) {
        var title = paths[i].querySelector('title');
        return title ? title.textContent : '';
      }
    }
    return '';
  }

  /* The place already in a latitude/longitude pair, as a list of one [lon, lat], else []. */
  function pointFrom(latitude, longitude) {
    var lat = parseFloat(latitude.value);
    var lon = parseFloat(longitude.value);
    return isNaN(lat) || isNaN(lon) ? [] : [[lon, lat]];
  }

  function setUp(box, svg) {
    var field = document.getElementById(box.getAttribute('data-draw-for'));
    var single = box.getAttribute('data-draw-mode') === 'point';
    var latitude = single ? document.getElementById(box.getAttribute('data-latitude-for')) : null;
    var holder = box.querySelector('.csphub-draw-area__map');
    var summary = box.querySelector('[data-draw-summary]');
    var projection = projectionOf(svg);
    var width = parseFloat(svg.getAttribute('data-width'));
    var height = parseFloat(svg.getAttribute('data-height'));
    var points = single ? pointFrom(latitude, field) : pointsFrom(field.value);
    var cross = [width / 2, height / 2];

    var layer = element('g', { id: holder.id + '-drawing' });
    var shape = element('polygon', { fill: '#1d70b8', 'fill-opacity': '0.25', stroke: '#1d70b8', 'stroke-width': '3' });
    var corners = element('g', {});
    var marker = element('g', { visibility: 'hidden', 'pointer-events': 'none' });
    marker.appendChild(element('path', { d: 'M -12 0 H 12 M 0 -12 V 12', stroke: '#d4351c', 'stroke-width': '3' }));
    layer.appendChild(shape);
    layer.appendChild(corners);
    layer.appendChild(marker);
    svg.appendChild(layer);
    holder.appendChild(svg);

    function describe() {
      if (single) {
        if (!points.length) { return 'No place chosen on the map.'; }
        var at = projection.toSvg(points[0][0], points[0][1]);
        var inWard = wardAt(svg, at[0], at[1]);
        return 'Place chosen: longitude ' + points[0][0].toFixed(5) + ', latitude ' + points[0][1].toFixed(5) +
          (inWard ? ' (' + inWard + ')' : '') + '.';
      }
      if (!points.length) { return 'No points drawn yet.'; }
      var listed = points.map(function (pt, n) {
        var xy = projection.toSvg(pt[0], pt[1]);
        var ward = wardAt(svg, xy[0], xy[1]);
        return (n + 1) + ': longitude ' + pt[0].toFixed(5) + ', latitude ' + pt[1].toFixed(5) + (ward ? ' (' + ward + ')' : '');
      });
      var state = points.length < 3 ? ' Add at least ' + (3 - points.length) + ' more to make an area.' : ' The area is closed back to point 1.';
      return points.length + (points.length === 1 ? ' point' : ' points') + ' drawn. ' + listed.join('; ') + '.' + state;
    }

    function draw() {
      var xy = points.map(function (pt) { return projection.toSvg(pt[0], pt[1]); });
      shape.setAttribute('points', xy.map(function (c) { return c[0].toFixed(1) + ',' + c[1].toFixed(1); }).join(' '));
      while (corners.firstChild) { corners.removeChild(corners.firstChild); }
      xy.forEach(function (c) {
        corners.appendChild(element('circle', { cx: c[0], cy: c[1], r: '6', fill: '#d4351c', stroke: '#ffffff', 'stroke-width': '2' }));
      });
      marker.setAttribute('transform', 'translate(' + cross[0] + ' ' + cross[1] + ')');
      summary.textContent = describe();
    }

    function write() {
      if (single) {
        latitude.value = points.length ? points[0][1].toFixed(DECIMALS) : '';
        field.value = points.length ? points[0][0].toFixed(DECIMALS) : '';
      } else if (points.length >= 3) {
        var ring = points.concat([points[0]]);
        field.value = JSON.stringify({ type: 'Polygon', coordinates: [ring] });
      } else {
        field.value = '';
      }
      draw();
    }

    function add(x, y) {
      var lonlat = projection.toLonLat(x, y);
      if (single) { points = []; }
      points.push([round(lonlat[0]), round(lonlat[1])]);
      write();
    }

    svg.addEventListener('click', function (event) {
      var matrix = svg.getScreenCTM();
      if (!matrix) { return; }
      var at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      cross = [at.x, at.y];
      add(at.x, at.y);
    });
    holder.addEventListener('keydown', function (event) {
      var step = (event.shiftKey ? 0.05 : 0.01) * width;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (moves[event.key]) {
        cross = [Math.min(width, Math.max(0, cross[0] + moves[event.key][0])),
          Math.min(height, Math.max(0, cross[1] + moves[event.key][1]))];
        event.preventDefault();
        draw();
        var here = projection.toLonLat(cross[0], cross[1]);
        var ward = wardAt(svg, cross[0], cross[1]);
        summary.textContent = 'Cross at longitude ' + here[0].toFixed(5) + ', latitude ' + here[1].toFixed(5) +
          (ward ? ' (' + ward + ')' : '') + '. Press Enter to add it.';
      } else if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        add(cross[0], cross[1]);
      }
    });
    holder.addEventListener('focus', function () { marker.setAttribute('visibility', 'visible'); });
    holder.addEventListener('blur', function () { marker.setAttribute('visibility', 'hidden'); });
    var undo = box.querySelector('[data-draw-action=undo]');
    if (undo) {
      undo.addEventListener('click', function () {
        points.pop();
        write();
      });
    }
    box.querySelector('[data-draw-action=clear]').addEventListener('click', function () {
      points = [];
      write();
    });
    function typed() { // typed or pasted by hand: show it when it is a place or a polygon
      points = single ? pointFrom(latitude, field) : pointsFrom(field.value);
      draw();
    }
    field.addEventListener('change', typed);
    if (latitude) { latitude.addEventListener('change', typed); }
    draw();
    box.hidden = false;
  }

  function start(box) {
    if (box.getAttribute('data-draw-ready')) { return; }
    box.setAttribute('data-draw-ready', 'loading');
    fetch(box.getAttribute('data-map-url'), { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) { throw new Error('the map answered ' + response.status); }
        return response.text();
      })
      .then(function (text) {
        var parsed = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
        if (!parsed || parsed.nodeName !== 'svg') { throw new Error('the map is not an SVG'); }
        var svg = document.importNode(parsed, true);
        if (!svg.hasAttribute('data-min-lon')) { // no boundaries loaded: say why, keep the textarea
          var why = document.createElement('p');
          why.className = 'govuk-hint';
          why.textContent = (svg.querySelector('text') || svg).textContent;
          box.replaceChildren(why);
          box.hidden = false;
          return;
        }
        setUp(box, svg);
        box.setAttribute('data-draw-ready', 'yes');
      })
      .catch(function () {
        box.setAttribute('data-draw-ready', 'failed'); // the textarea still takes the area
      });
  }

  function startAll() {
    document.querySelectorAll('.csphub-draw-area[data-map-url]').forEach(start);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', startAll);
  } else {
    startAll();
  }
}());
