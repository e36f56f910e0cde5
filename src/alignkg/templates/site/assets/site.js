// The entity's neighbourhood, drawn with vis-network from the page's JSON data block. Every
// string from the data reaches the page as text (vis-network shows string titles as text; the
// legend uses textContent); a click on a node opens that entity's page.
(function () {
  "use strict";
  var state = { ready: false, nodes: 0, edges: 0 };
  window.alignkg = state;
  var holder = document.getElementById("network-data");
  var box = document.getElementById("network");
  if (!holder || !box || typeof vis === "undefined") { state.ready = true; return; }
  var data = JSON.parse(holder.textContent);
  state.nodes = data.nodes.length;
  state.edges = data.edges.length;
  box.replaceChildren();
  var network = new vis.Network(
    box, { nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges) }, data.options);
  state.network = network;
  function ready() {
    if (state.ready) { return; }
    network.setOptions({ physics: false });
    network.fit();
    if (data.focus) { network.selectNodes([data.focus]); }
    state.ready = true;
  }
  network.once("stabilizationIterationsDone", ready);
  network.once("afterDrawing", function () { if (data.nodes.length <= 1) { ready(); } });
  network.on("click", function (params) {
    if (params.nodes.length !== 1) { return; }
    var id = params.nodes[0], href = Object.prototype.hasOwnProperty.call(data.links, id) ? data.links[id] : "";
    if (id !== data.focus && /^\.\.\/(entity|source)\/[A-Za-z0-9][A-Za-z0-9._-]*\.html$/.test(href)) {
      window.location.href = href;
    }
  });
  var legend = document.getElementById("network-legend");
  if (legend) {
    data.classes.forEach(function (c) {
      var li = document.createElement("li"), mark = document.createElement("span");
      mark.className = "swatch";
      mark.style.backgroundColor = c.color;
      li.appendChild(mark);
      li.appendChild(document.createTextNode(c.label + " (" + c.count + ")"));
      legend.appendChild(li);
    });
  }
})();
