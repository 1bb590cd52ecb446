/* iprgraph picture: draws the answer held in #iprgraph-data with vis-network.
 * Every value from the data is written with textContent, never as markup: names
 * come from agencies' records. The page makes no request. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("iprgraph-data").textContent);
  var meta = data.meta;
  var info = data.info;
  var edgeInfo = data.edge_info;
  var container = document.getElementById("graph");
  var status = document.getElementById("status");
  var tooltip = document.getElementById("tooltip");
  var details = document.getElementById("details");
  var started = performance.now();
  var MAX_LISTED = 25;  // records listed in the details (all of them are counted)

  // Nodes and edges cite records by their place in one table; unpack them here.
  function unpack(indices) {
    var rows = indices.map(function (i) { return data.records[i]; });
    rows.sort(function (a, b) { return (a[3] || "") < (b[3] || "") ? -1 : (a[3] || "") > (b[3] || "") ? 1 : 0; });
    return rows;
  }
  function datesOf(rows) {
    var seen = {};
    rows.forEach(function (r) { if (r[3]) { seen[r[3]] = true; } });
    return Object.keys(seen);
  }
  data.nodes.forEach(function (n) {
    var item = info[n.id];
    item.t = n.t;
    item.cls = meta.classes[n.t];
    item.records = unpack(item.r);
    item.records_total = item.records.length;
    item.dates = datesOf(item.records);
    item.roles = item.roles || [];
    item.props = item.props || {};
    item.names = item.names || [];
  });
  data.edges.forEach(function (e) {
    var item = edgeInfo[e.id];
    item.from = e.from;
    item.to = e.to;
    item.kind = meta.kinds[e.k];
    item.records = unpack(item.r);
    item.records_total = item.n;
    item.dates = datesOf(item.records);
  });

  var marked = {};
  data.nodes.forEach(function (n) { if (n.color) { marked[n.id] = n.color; } });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var state = { settled: false, settleMs: null, drawn: 0, blocked: 0 };
  window.iprgraphPicture = { network: network, nodes: nodes, edges: edges, state: state, meta: meta };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function row(table, name, value) {
    if (value === undefined || value === null || value === "" ||
        (Array.isArray(value) && value.length === 0)) { return; }
    var tr = el("tr");
    tr.appendChild(el("th", name));
    tr.appendChild(el("td", Array.isArray(value) ? value.join(", ") : value));
    table.appendChild(tr);
  }

  function plain(value) {
    if (value === null || value === undefined) { return ""; }
    if (typeof value === "object") { return JSON.stringify(value); }
    return String(value);
  }

  function apiUrl(path) {
    return meta.api_base + path;
  }

  function nodeApiPath(id, item) {
    var seg = encodeURIComponent(id);
    if (item.type === "Party" || item.type === "Entity") { return "/v1/entities/" + seg; }
    if (item.type === "Seizure") { return "/v1/seizures/" + seg; }
    return "/v1/entities/" + seg + "/neighborhood";
  }

  function recordsTable(all, total) {
    var wrap = el("div", null, "records");
    var records = all.slice(-MAX_LISTED).reverse();
    if (!records.length) { return wrap; }
    var table = el("table");
    var head = el("tr");
    ["agency", "record", "date", "TLP"].forEach(function (h) { head.appendChild(el("th", h)); });
    table.appendChild(head);
    records.forEach(function (r) {
      var tr = el("tr");
      [r[1], r[2], r[3], r[4] ? "TLP:" + r[4] : "TLP unknown"].forEach(function (v) {
        tr.appendChild(el("td", v === null ? "" : v));
      });
      table.appendChild(tr);
    });
    wrap.appendChild(table);
    if (total > records.length) {
      wrap.appendChild(el("p", (total - records.length) + " more records not listed here.", "hint"));
    }
    return wrap;
  }

  function clearDetails(title) {
    while (details.firstChild) { details.removeChild(details.firstChild); }
    details.appendChild(el("h2", title));
  }

  function showNode(id) {
    var item = info[id];
    if (!item) { return; }
    clearDetails("Details");
    details.appendChild(el("p", item.label, "node-label"));
    var table = el("table");
    row(table, "type", item.cls);
    row(table, "id", id);
    row(table, "jurisdiction", item.jurisdiction);
    row(table, "roles", item.roles);
    row(table, "links", item.degree);
    if (item.hub) { row(table, "hub", "yes: shown, not walked through"); }
    if (item.omitted) { row(table, "not shown", item.omitted + " neighbours left out by a cap or filter"); }
    if (item.key) {
      row(table, "key player", "#" + item.key.rank + " (PageRank " + item.key.pr +
        ", betweenness " + item.key.betweenness + ")");
    }
    if (item.community !== null && item.community !== undefined) { row(table, "community", item.community); }
    Object.keys(item.props).forEach(function (k) {
      if (k !== "parties") { row(table, k, plain(item.props[k])); }
    });
    row(table, "seizures", item.records_total);
    details.appendChild(table);
    var names = [];
    if (Array.isArray(item.props.parties)) {
      item.props.parties.forEach(function (p) { names.push([p.name || p.id, p.id]); });
    }
    item.names.forEach(function (n) {
      names.push([n.name, (n.agencies || []).join(", ") + ", " + n.seizures + " seizures, " +
        (n.first_seen || "?") + " to " + (n.last_seen || "?")]);
    });
    if (names.length) {
      details.appendChild(el("h2", "Names as written"));
      var list = el("ul");
      names.forEach(function (n) {
        var li = el("li", n[0]);
        li.appendChild(el("span", " (" + n[1] + ")", "hint"));
        list.appendChild(li);
      });
      details.appendChild(list);
    }
    if (item.records.length) {
      details.appendChild(el("h2", "Seizure records"));
      details.appendChild(recordsTable(item.records, item.records_total));
    }
    var a = el("a", "API answer for this node");
    a.href = apiUrl(nodeApiPath(id, item));
    a.rel = "noreferrer";
    a.id = "node-api-link";
    details.appendChild(a);
  }

  function showEdge(id) {
    var item = edgeInfo[id];
    if (!item) { return; }
    clearDetails("Link");
    var from = info[item.from], to = info[item.to];
    details.appendChild(el("p", (from ? from.label : item.from) + " → " + (to ? to.label : item.to)));
    var table = el("table");
    row(table, "type", item.type);
    row(table, "kind", item.kind);
    row(table, "weight", item.weight);
    Object.keys(item.props).forEach(function (k) { row(table, k, plain(item.props[k])); });
    details.appendChild(table);
    if (item.records.length) {
      details.appendChild(el("h2", "Evidenced by"));
      details.appendChild(recordsTable(item.records, item.records_total));
    }
  }

  function tipFor(head, lines, records, total) {
    while (tooltip.firstChild) { tooltip.removeChild(tooltip.firstChild); }
    tooltip.appendChild(el("div", head, "head"));
    lines.forEach(function (line) { if (line) { tooltip.appendChild(el("div", line)); } });
    if (records.length) {
      var shown = records.slice(0, 5);
      var table = el("table");
      shown.forEach(function (r) {
        var tr = el("tr");
        [r[1], r[2], r[3], r[4] ? "TLP:" + r[4] : "TLP unknown"].forEach(function (v) {
          tr.appendChild(el("td", v === null ? "" : v));
        });
        table.appendChild(tr);
      });
      tooltip.appendChild(table);
      if (total > shown.length) { tooltip.appendChild(el("div", (total - shown.length) + " more records", "hint")); }
    }
  }

  function place(pointer) {
    tooltip.hidden = false;
    var x = pointer.x + 14, y = pointer.y + 14;
    var w = container.clientWidth, h = container.clientHeight;
    if (x + tooltip.offsetWidth > w) { x = Math.max(0, pointer.x - tooltip.offsetWidth - 14); }
    if (y + tooltip.offsetHeight > h) { y = Math.max(0, pointer.y - tooltip.offsetHeight - 14); }
    tooltip.style.left = x + "px";
    tooltip.style.top = y + "px";
  }

  network.on("hoverNode", function (p) {
    var item = info[p.node];
    if (!item) { return; }
    tipFor(item.label, [
      item.cls + (item.jurisdiction ? " · " + item.jurisdiction : "") + (item.hub ? " · hub" : ""),
      item.omitted ? item.omitted + " neighbours not shown" : ""
    ], item.records.slice().reverse(), item.records_total);
    place(p.pointer.DOM);
  });
  network.on("hoverEdge", function (p) {
    var item = edgeInfo[p.edge];
    if (!item) { return; }
    var why = item.props.why || item.props.explanation || "";
    tipFor(item.type + " · " + item.kind, ["weight " + item.weight, why], item.records, item.records_total);
    place(p.pointer.DOM);
  });
  network.on("blurNode", function () { tooltip.hidden = true; });
  network.on("blurEdge", function () { tooltip.hidden = true; });
  network.on("dragStart", function () { tooltip.hidden = true; });

  network.on("click", function (p) {
    tooltip.hidden = true;
    if (p.nodes.length) { showNode(p.nodes[0]); } else if (p.edges.length) { showEdge(p.edges[0]); }
  });

  // White under the picture (a PNG is otherwise transparent), and its handling on it.
  network.on("beforeDrawing", function (ctx) {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  });
  network.on("afterDrawing", function (ctx) {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.font = "bold 14px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    var text = "TLP:" + meta.tlp;
    ctx.fillStyle = "#000000";
    ctx.fillRect(6, 6, ctx.measureText(text).width + 12, 22);
    ctx.fillStyle = { RED: "#ff2b2b", GREEN: "#33ff00", CLEAR: "#ffffff" }[meta.tlp] || "#ffc000";
    ctx.fillText(text, 12, 17);
    ctx.restore();
  });

  function settle() {
    if (state.settled) { return; }
    network.setOptions({ physics: { enabled: false } });
    state.settled = true;
    state.settleMs = Math.round(performance.now() - started);
    state.drawn = Object.keys(network.getPositions()).length;
    document.getElementById("drawn").textContent = String(state.drawn);
    document.getElementById("drawn-edges").textContent = String(edges.length);
    status.textContent = "Drawn: " + state.drawn + " of " + meta.nodes_total + " nodes, " +
      edges.length + " of " + meta.edges_total + " edges; layout settled in " +
      (state.settleMs / 1000).toFixed(1) + " s.";
    document.body.setAttribute("data-settled", "true");
    countShown();
  }
  network.on("stabilizationProgress", function (p) {
    status.textContent = "Laying out: " + Math.round(100 * p.iterations / p.total) + " %";
  });
  network.once("stabilizationIterationsDone", settle);
  network.once("stabilized", settle);
  if (!data.nodes.length) { settle(); }

  // --- filters -------------------------------------------------------------------
  var typeBoxes = Array.prototype.slice.call(document.querySelectorAll("#type-filter input[data-type]"));
  var dateFrom = document.getElementById("date-from");
  var dateTo = document.getElementById("date-to");
  var shownLine = document.getElementById("shown");

  function inRange(dates, from, to) {
    if (!dates || !dates.length) { return true; }
    for (var i = 0; i < dates.length; i++) {
      if ((!from || dates[i] >= from) && (!to || dates[i] <= to)) { return true; }
    }
    return false;
  }

  function countShown() {
    var n = nodes.get({ filter: function (x) { return !x.hidden; } }).length;
    shownLine.textContent = "Showing " + n + " of " + nodes.length + " nodes drawn.";
  }

  function applyFilters() {
    var types = {};
    typeBoxes.forEach(function (box) { types[box.getAttribute("data-type")] = box.checked; });
    var from = dateFrom.value || null, to = dateTo.value || null;
    var hidden = {};
    var nodeUpdates = [];
    nodes.forEach(function (n) {
      var item = info[n.id];
      var hide = types[n.t] === false || !inRange(item.dates, from, to);
      hidden[n.id] = hide;
      if (!!n.hidden !== hide) { nodeUpdates.push({ id: n.id, hidden: hide }); }
    });
    var edgeUpdates = [];
    edges.forEach(function (e) {
      var hide = hidden[e.from] || hidden[e.to] || !inRange(edgeInfo[e.id].dates, from, to);
      if (!!e.hidden !== hide) { edgeUpdates.push({ id: e.id, hidden: hide }); }
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    countShown();
  }
  typeBoxes.forEach(function (box) { box.addEventListener("change", applyFilters); });
  dateFrom.addEventListener("change", applyFilters);
  dateTo.addEventListener("change", applyFilters);

  var colour = document.getElementById("colour");
  colour.addEventListener("change", function () {
    var updates = [];
    nodes.forEach(function (n) {
      var community = info[n.id].community;
      var group = n.t;
      var background = null;
      if (colour.value === "community" && community !== undefined) {
        var k = community % meta.communities.length;
        group = "c" + k;
        background = meta.communities[k];
      }
      var update = { id: n.id, group: group };
      var own = marked[n.id];
      if (own) {  // a marked node's colour is its own, not its group's
        var bg = background || own.background;
        update.color = { background: bg, border: own.border,
          highlight: { background: bg, border: "#000000" }, hover: { background: bg, border: "#000000" } };
      }
      updates.push(update);
    });
    nodes.update(updates);
  });

  // --- search ----------------------------------------------------------------------
  var find = document.getElementById("find");
  var found = document.getElementById("found");
  function fold(text) { return String(text).normalize("NFKC").toLowerCase(); }
  var index = Object.keys(info).map(function (id) { return [id, fold(info[id].label) + " " + fold(id)]; });

  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    showNode(id);
  }
  find.addEventListener("input", function () {
    while (found.firstChild) { found.removeChild(found.firstChild); }
    var q = fold(find.value.trim());
    if (!q) { return; }
    var hits = 0;
    for (var i = 0; i < index.length && hits < 15; i++) {
      if (index[i][1].indexOf(q) >= 0) {
        var id = index[i][0];
        var li = el("li");
        var b = el("button", info[id].label + " · " + info[id].cls);
        b.type = "button";
        b.setAttribute("data-id", id);
        b.addEventListener("click", function (ev) { focusNode(ev.currentTarget.getAttribute("data-id")); });
        li.appendChild(b);
        found.appendChild(li);
        hits += 1;
      }
    }
    if (!hits) { found.appendChild(el("li", "No node matches.", "hint")); }
  });
  find.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var first = found.querySelector("button");
      if (first) { focusNode(first.getAttribute("data-id")); }
    }
  });

  // --- save as PNG -------------------------------------------------------------------
  document.getElementById("save-png").addEventListener("click", function () {
    network.redraw();
    var canvas = container.querySelector("canvas");
    var a = document.createElement("a");
    a.href = canvas.toDataURL("image/png");
    a.download = meta.file + ".png";
    document.body.appendChild(a);
    a.click();
    a.remove();
  });
})();
