"""The network page: the co-occurrence network of a search, laid out and drawn by the server as SVG, with its GEXF download.

The layout is networkx's spring layout with a fixed seed (the same search draws the same
picture); the geometry is plain data here and the SVG a Jinja template, autoescaped like
every page, so no name from an article reaches the page unescaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import networkx as nx
from flask import Blueprint, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from newsarchive.search.network import COLOURS, KINDS, Network, NetworkOptions, Node
from newsarchive.search.request import SearchRequest

from .state import export_fields, get_archive, request_from_args, url_with

bp = Blueprint("network", __name__)

PAGE_NODES = 80  # nodes drawn when the URL does not say (the GEXF link carries the page's own numbers)
SEED = 7  # the spring layout's seed
WIDTH, HEIGHT, MARGIN = 1100, 700, 40


@dataclass
class Dot:
    """A node as drawn: centre, radius, colour, its label's place, and the search it links to."""

    node: Node
    x: float
    y: float
    r: float
    colour: str
    href: str
    label_x: float
    anchor: str
    count: int


@dataclass
class Link:
    """An edge as drawn."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    opacity: float
    title: str
    weight: int


@dataclass
class Drawing:
    width: int
    height: int
    dots: list[Dot]
    links: list[Link]


def colour(kind: str) -> str:
    r, gr, b = COLOURS[kind]
    return f"#{r:02x}{gr:02x}{b:02x}"


def drawing(net: Network, href: Callable[[Node], str]) -> Drawing:
    """The network laid out in a WIDTH x HEIGHT box: node areas and edge widths grow with their counts."""
    if not net.nodes:
        return Drawing(WIDTH, HEIGHT, [], [])
    graph = net.graph()
    # k, the distance nodes settle at, a little over networkx's 1/sqrt(n): the hubs of a news archive crowd the centre otherwise.
    spread = 2.0 / math.sqrt(len(net.nodes))
    positions = (nx.spring_layout(graph, k=spread, seed=SEED, weight="weight", iterations=100) if len(net.nodes) > 1
                 else {net.nodes[0].id: (0.0, 0.0)})
    xs = [float(positions[n.id][0]) for n in net.nodes]
    ys = [float(positions[n.id][1]) for n in net.nodes]

    def scale(values: list[float], size: int, margin: int) -> list[float]:
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        return [round(margin + (v - low) / span * (size - 2 * margin), 1) if high > low else size / 2 for v in values]

    xs, ys = scale(xs, WIDTH, MARGIN * 3), scale(ys, HEIGHT, MARGIN)
    top = max(net.size(n) for n in net.nodes) or 1
    dots = []
    for node, x, y in zip(net.nodes, xs, ys, strict=True):
        r = round(3 + 15 * math.sqrt(net.size(node) / top), 1)
        right = x < WIDTH - 160
        dots.append(Dot(node, x, y, r, colour(node.kind), href(node), round(x + r + 3 if right else x - r - 3, 1),
                        "start" if right else "end", net.size(node)))
    heaviest = max((w for _, _, w in net.edges), default=1)
    links = [Link(dots[a].x, dots[a].y, dots[b].x, dots[b].y, round(0.6 + 4 * w / heaviest, 2), round(0.2 + 0.5 * w / heaviest, 2),
                  f"{net.nodes[a].label} – {net.nodes[b].label}", w)
             for a, b, w in reversed(net.edges)]  # the heaviest drawn last, on top
    return Drawing(WIDTH, HEIGHT, dots, links)


def network_url(req: SearchRequest) -> str:
    """The network page of a search (the search page's "Réseau" link)."""
    items = [*export_fields(req), *([("lang", g.lang)] if g.get("lang", "fr") != "fr" else [])]
    return url_for("network.network_page") + ("?" + urlencode(items) if items else "")


@bp.app_context_processor
def template_helpers() -> dict[str, Any]:
    return {"network_url": network_url}


def node_href(node: Node) -> str:
    """The current search with this person, organisation or country added as a filter."""
    return url_with(add={node.kind: node.filter_value})


@bp.get("/network")
def network_page() -> ResponseReturnValue:
    """The co-occurrence network of the search the URL's parameters make (`nodes`, `min_weight`; `count=groups` for stories)."""
    req = g.req = request_from_args(request.args)
    options = NetworkOptions.from_values(request.args.get, nodes=PAGE_NODES)
    net = get_archive().network(req, options)
    params = export_fields(req)
    lang = [("lang", g.lang)] if g.lang != "fr" else []
    sizes = [("nodes", str(options.nodes)), ("min_weight", str(options.min_weight))]
    return render_template(
        "network.html", req=req, net=net, chart=drawing(net, node_href), params=params, lang_params=lang,
        colours={kind: colour(kind) for kind in KINDS},
        gexf_href=url_for("api.export") + "?" + urlencode([*params, ("format", "gexf"), *sizes]),
        search_href=url_for("newsarchive.search_page") + "?" + urlencode([*params, *lang]),
    )
