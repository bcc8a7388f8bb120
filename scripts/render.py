"""Renders a fieldforge result to PNG with ParaView, through its XDMF sidecar.

    scripts/render.py runs/poisson/darcy/poisson.xdmf --field a -o darcy_a.png
    scripts/render.py runs/ns2d_data/nu1e-3/ns2d.xdmf --field w --step last -o w.png
    scripts/render.py runs/ns3d_data/forced/ns3d.xdmf --field omega --style isosurface -o omega.png
    scripts/render.py runs/elasticity/beam/elasticity.xdmf --field u --style warp -o beam.png

Styles: `surface` colours the grid or mesh by the field (a vector by its
magnitude); `isosurface` draws surfaces of the field's magnitude at
--levels fractions of its maximum (3D grids); `warp` displaces a mesh by a
vector field (--scale times, default: 10% of the mesh size at the largest
displacement); `auto` picks isosurface for a vector on a 3D grid, warp for a
vector on a mesh, surface otherwise.

Run it with pvpython (Debian package python3-paraview). Without a display
it starts a virtual one with Xvfb (package xvfb).
"""
import argparse
import atexit
import ctypes
import os
import signal
import shutil
import subprocess
import sys
import time


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sidecar", help="an .xdmf sidecar written by fieldforge")
    parser.add_argument("-o", "--output", required=True, help="PNG file to write")
    parser.add_argument("--field", help="array to show (default: the first one)")
    parser.add_argument("--step", default="last", help="time step index, or 'first' / 'last' (default)")
    parser.add_argument("--style", default="auto", choices=("auto", "surface", "isosurface", "warp"))
    parser.add_argument("--levels", type=float, nargs="+", default=[0.35, 0.6],
                        help="isosurface levels as fractions of the maximum magnitude")
    parser.add_argument("--scale", type=float, help="warp factor (default: 10%% of the mesh size)")
    parser.add_argument("--size", type=int, nargs=2, default=[900, 700], metavar=("WIDTH", "HEIGHT"))
    parser.add_argument("--title", help="text above the picture (default: file, field and time)")
    return parser.parse_args()


def start_virtual_display():
    """ParaView's offscreen rendering in Debian needs an X server: without a
    DISPLAY, start Xvfb on a display number it picks itself (-displayfd), which
    avoids the display-number races of xvfb-run -a."""
    if os.environ.get("DISPLAY"):
        return
    xvfb = shutil.which("Xvfb")
    if not xvfb:
        sys.exit("render.py: no DISPLAY and no Xvfb: install xvfb (scripts/install-deps.sh does)")
    read_end, write_end = os.pipe()
    def end_with_parent():  # no orphan server when ParaView aborts the process
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    server = subprocess.Popen([xvfb, "-displayfd", str(write_end), "-screen", "0", "1600x1200x24", "-nolisten", "tcp",
                               "-noreset"],
                              pass_fds=(write_end,), stderr=subprocess.DEVNULL, preexec_fn=end_with_parent)
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        number = announced.readline().strip()
    if not number:
        sys.exit("render.py: Xvfb did not start")
    # ParaView aborts on a refused connection: wait until the server takes
    # clients, and keep it from resetting when one leaves (-noreset).
    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    for _ in range(200):
        display = x11.XOpenDisplay(f":{number}".encode())
        if display:
            x11.XCloseDisplay(ctypes.c_void_p(display))
            break
        time.sleep(0.05)
    else:
        sys.exit(f"render.py: Xvfb on :{number} accepts no connection")

    def stop():  # wait, so a next run cannot be handed a display that is still shutting down
        server.terminate()
        server.wait()

    atexit.register(stop)
    os.environ["DISPLAY"] = ":" + number


def time_values(source):
    """A reader's time steps as a list: ParaView gives a bare float for one step."""
    values = source.TimestepValues
    if values is None:
        return []
    return [values] if isinstance(values, (int, float)) else list(values)


def main():
    arguments = parse_arguments()
    if not os.path.isfile(arguments.sidecar):
        sys.exit(f"render.py: {arguments.sidecar}: file not found")
    start_virtual_display()

    from paraview import simple

    reader = simple.XDMFReader(FileNames=[arguments.sidecar])
    times = time_values(reader)
    if times:
        step = {"first": 0, "last": len(times) - 1}.get(arguments.step)
        step = int(arguments.step) if step is None else step
        if not -len(times) <= step < len(times):
            sys.exit(f"render.py: {arguments.sidecar}: step {arguments.step} out of range ({len(times)} steps)")
        time = times[step]
    else:
        time = None
    reader.UpdatePipeline(time) if time is not None else reader.UpdatePipeline()

    info = reader.GetDataInformation()
    point_arrays = {a.GetName(): a for a in reader.PointData}
    cell_arrays = {a.GetName(): a for a in reader.CellData}
    names = list(point_arrays) + list(cell_arrays)
    field = arguments.field or (names[0] if names else None)
    if field not in names:
        sys.exit(f"render.py: {arguments.sidecar}: no array '{field}' (has {', '.join(names)})")
    association = "POINTS" if field in point_arrays else "CELLS"
    array = point_arrays.get(field) or cell_arrays[field]
    vector = array.GetNumberOfComponents() == 3
    bounds = info.GetBounds()
    extents = [bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4]]
    three_d = all(e > 0 for e in extents)
    unstructured = info.GetDataSetTypeAsString() == "vtkUnstructuredGrid"

    style = arguments.style
    if style == "auto":
        style = "isosurface" if vector and three_d and not unstructured else "warp" if vector and unstructured else "surface"

    view = simple.CreateRenderView()
    view.ViewTime = time if time is not None else 0.0  # before any colour range is taken from the data
    view.ViewSize = arguments.size
    view.OrientationAxesVisibility = 1
    view.OrientationAxesLabelColor = [0, 0, 0]
    view.UseColorPaletteForBackground = 0
    view.Background = [1, 1, 1]
    shown_source, colour = reader, field
    if style == "isosurface":
        magnitude = simple.Calculator(Input=reader, AttributeType="Point Data" if association == "POINTS" else "Cell Data",
                                      ResultArrayName=f"|{field}|", Function=f"mag({field})" if vector else field)
        magnitude.UpdatePipeline(time)
        top = magnitude.PointData[f"|{field}|"].GetRange()[1]
        contour = simple.Contour(Input=magnitude, ContourBy=["POINTS", f"|{field}|"],
                                 Isosurfaces=[level * top for level in arguments.levels])
        outline = simple.Show(simple.Outline(Input=reader), view)
        outline.DiffuseColor = [0.2, 0.2, 0.2]
        shown_source, colour = contour, f"|{field}|"
        association = "POINTS"
    elif style == "warp":
        if not vector:
            sys.exit(f"render.py: warp needs a vector field; '{field}' has {array.GetNumberOfComponents()} component(s)")
        largest = array.GetRange(-1)[1]
        scale = arguments.scale or (0.1 * max(extents) / largest if largest > 0 else 1.0)
        warped = simple.WarpByVector(Input=reader, Vectors=["POINTS", field], ScaleFactor=scale)
        ghost = simple.Show(reader, view)
        ghost.Representation = "Wireframe"
        ghost.AmbientColor = ghost.DiffuseColor = [0.6, 0.6, 0.6]
        ghost.Opacity = 0.4
        shown_source = warped

    display = simple.Show(shown_source, view)
    if style == "surface" and three_d and unstructured:
        display.Representation = "Surface With Edges"
    simple.ColorBy(display, (association, colour, "Magnitude") if vector and style != "isosurface" else (association, colour))
    display.RescaleTransferFunctionToDataRange(True, False)
    display.SetScalarBarVisibility(view, True)
    lut = simple.GetColorTransferFunction(colour)
    lut.ApplyPreset("Viridis (matplotlib)" if style != "surface" or vector else "Cool to Warm", True)
    bar = simple.GetScalarBar(lut, view)
    bar.TitleColor = bar.LabelColor = [0, 0, 0]

    title = arguments.title
    if title is None:
        at = f", t = {time:g}" if time is not None and len(times) > 1 else ""
        title = f"{os.path.basename(arguments.sidecar)}: {field}{at}"
    text = simple.Text(Text=title)
    label = simple.Show(text, view)
    label.Color = [0, 0, 0]
    label.FontSize = 16
    label.WindowLocation = "Upper Center"

    if three_d:
        centre = [(bounds[2 * a] + bounds[2 * a + 1]) / 2 for a in range(3)]
        view.CameraFocalPoint = centre
        view.CameraPosition = [c + d for c, d in zip(centre, (1.0, -1.6, 0.9))]  # oblique, from the front left
        view.CameraViewUp = [0, 0, 1]
    else:
        view.InteractionMode = "2D"
    simple.ResetCamera(view)
    simple.SaveScreenshot(arguments.output, view, ImageResolution=arguments.size)
    print(f"render.py: wrote {arguments.output} ({field}, {style})")


if __name__ == "__main__":
    main()
