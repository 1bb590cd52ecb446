"""Link analysis: index-anchored local work in Cypher (neighbourhoods, paths), global
work in networkx over subgraphs pulled from the store (networks, key players)."""
