#!/usr/bin/env python3
"""Writes a structured triangle mesh of a rectangle as a Gmsh 4.1 ASCII file.

The triangles are those of fieldforge's own box mesh (Mesh::box): each grid
square [i, i+1] x [j, j+1] is cut along its (i, j)-(i+1, j+1) diagonal into
(i,j),(i+1,j),(i+1,j+1) and (i,j),(i+1,j+1),(i,j+1), counter-clockwise as Gmsh
writes them, so a solve on the file and one on the generated box agree to
round-off. Physical groups: the sides "left" (x = x0), "right", "bottom"
(y = y0) and "top" as lines, and the surface "domain".

  python3 scripts/write_gmsh_square.py tests/data/meshes/unit_square.msh --cells 8 8

--invert K writes element K (0-based, in file order) clockwise, a mesh with
one inverted element for the tests of the importer's checks.
No gmsh installation is needed; the output opens in gmsh and ParaView.
"""
import argparse

SIDES = [("left", 1), ("right", 2), ("bottom", 3), ("top", 4)]
DOMAIN_TAG = 5


def write_mesh(path, nx, ny, lower, upper, invert):
    def node(i, j):  # 1-based Gmsh node tag of lattice point (i, j)
        return 1 + i + (nx + 1) * j

    def xy(i, j):
        return (lower[0] + (upper[0] - lower[0]) * i / nx, lower[1] + (upper[1] - lower[1]) * j / ny)

    triangles = []
    for j in range(ny):
        for i in range(nx):
            triangles.append((node(i, j), node(i + 1, j), node(i + 1, j + 1)))
            triangles.append((node(i, j), node(i + 1, j + 1), node(i, j + 1)))
    if invert is not None:
        a, b, c = triangles[invert]
        triangles[invert] = (a, c, b)

    # Boundary segments per side, each from lower to upper lattice index.
    segments = {
        "left": [(node(0, j), node(0, j + 1)) for j in range(ny)],
        "right": [(node(nx, j), node(nx, j + 1)) for j in range(ny)],
        "bottom": [(node(i, 0), node(i + 1, 0)) for i in range(nx)],
        "top": [(node(i, ny), node(i + 1, ny)) for i in range(nx)],
    }
    (x0, y0), (x1, y1) = lower, upper
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    # Curve entities in SIDES order, with their bounding corner points.
    curve_boxes = {
        "left": ((x0, y0, x0, y1), (1, 4)),
        "right": ((x1, y0, x1, y1), (2, 3)),
        "bottom": ((x0, y0, x1, y0), (1, 2)),
        "top": ((x0, y1, x1, y1), (4, 3)),
    }

    out = ["$MeshFormat", "4.1 0 8", "$EndMeshFormat", "$PhysicalNames", str(len(SIDES) + 1)]
    out += [f'1 {tag} "{name}"' for name, tag in SIDES]
    out += [f'2 {DOMAIN_TAG} "domain"', "$EndPhysicalNames", "$Entities", f"4 {len(SIDES)} 1 0"]
    out += [f"{k + 1} {x} {y} 0 0" for k, (x, y) in enumerate(corners)]
    for name, tag in SIDES:
        (ax, ay, bx, by), (p, q) = curve_boxes[name]
        out.append(f"{tag} {ax} {ay} 0 {bx} {by} 0 1 {tag} 2 {p} -{q}")
    out.append(f"1 {x0} {y0} 0 {x1} {y1} 0 1 {DOMAIN_TAG} 4 3 2 -4 -1")
    out.append("$EndEntities")

    # All nodes belong to the surface entity: Gmsh allows any entity to hold a node.
    n_nodes = (nx + 1) * (ny + 1)
    out += ["$Nodes", f"1 {n_nodes} 1 {n_nodes}", f"2 1 0 {n_nodes}"]
    out += [str(tag) for tag in range(1, n_nodes + 1)]
    out += [f"{x!r} {y!r} 0" for j in range(ny + 1) for i in range(nx + 1) for x, y in [xy(i, j)]]
    out.append("$EndNodes")

    n_elements = sum(len(s) for s in segments.values()) + len(triangles)
    out += ["$Elements", f"{len(SIDES) + 1} {n_elements} 1 {n_elements}"]
    tag = 1
    for name, curve in SIDES:
        out.append(f"1 {curve} 1 {len(segments[name])}")
        for a, b in segments[name]:
            out.append(f"{tag} {a} {b}")
            tag += 1
    out.append(f"2 1 2 {len(triangles)}")
    for a, b, c in triangles:
        out.append(f"{tag} {a} {b} {c}")
        tag += 1
    out.append("$EndElements")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--cells", type=int, nargs=2, default=[8, 8], metavar=("NX", "NY"))
    parser.add_argument("--lower", type=float, nargs=2, default=[0.0, 0.0])
    parser.add_argument("--upper", type=float, nargs=2, default=[1.0, 1.0])
    parser.add_argument("--invert", type=int, default=None, metavar="K")
    args = parser.parse_args()
    write_mesh(args.path, *args.cells, args.lower, args.upper, args.invert)


if __name__ == "__main__":
    main()
