// Loads an alignkg export in the JavaScript library that reads it and prints what the library
// holds as JSON: graphology (with graphology-gexf or graphology-graphml) or cytoscape.js.
// Usage: node load.js gexf|graphml|cytoscape FILE
'use strict';
const fs = require('fs');
const [format, file] = process.argv.slice(2);
const text = fs.readFileSync(file, 'utf-8');

function fromGraphology(graph) {
  const nodes = {};
  graph.forEachNode((key, attributes) => { nodes[key] = attributes; });
  const edges = [];
  graph.forEachEdge((key, attributes, source, target) => { edges.push({ id: key, source, target, attributes }); });
  return { type: graph.type, multi: graph.multi, order: graph.order, size: graph.size, nodes, edges };
}

let result;
if (format === 'gexf' || format === 'graphml') {
  const { MultiDirectedGraph } = require('graphology');
  const reader = require(format === 'gexf' ? 'graphology-gexf' : 'graphology-graphml');
  result = fromGraphology(reader.parse(MultiDirectedGraph, text));
} else if (format === 'cytoscape') {
  const cytoscape = require('cytoscape');
  const cy = cytoscape({ headless: true, styleEnabled: false });
  cy.json(JSON.parse(text));
  result = cy.json();
} else {
  throw new Error(`unknown format ${format}`);
}
process.stdout.write(JSON.stringify(result));
