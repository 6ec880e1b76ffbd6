"""Read one vector layer of a GIS file (GeoJSON, GeoPackage, Shapefile, zip, OSM) with its CRS."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio
import pyogrio.errors
from pyproj import CRS
from pyproj.exceptions import CRSError

from roadchief.errors import ProblemLog

ACCEPTED_FORMATS = (
    "GeoJSON (.geojson, .json), GeoPackage (.gpkg), Shapefile (.shp), zipped Shapefile (.zip), "
    "FlatGeobuf (.fgb), OpenStreetMap (.osm, .osm.pbf)"
)
_FORMAT_NAMES = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "zipped Shapefile",
    ".fgb": "FlatGeobuf",
    ".osm": "OpenStreetMap XML",
    ".pbf": "OpenStreetMap PBF",
}
_OSM_SUFFIXES = {".osm", ".pbf"}
_DATA_IN_ZIP = {".shp", ".geojson", ".json", ".gpkg", ".fgb"}
_ONE_LAYER_SUFFIXES = (".shp", ".geojson", ".json", ".fgb")

ROLE_GEOMETRIES: dict[str, frozenset[str]] = {
    "zones": frozenset({"Polygon", "MultiPolygon"}),
    "roads": frozenset({"LineString", "MultiLineString"}),
    "places": frozenset({"Point", "MultiPoint", "Polygon", "MultiPolygon"}),
    "incidents": frozenset({"Point", "MultiPoint", "Polygon", "MultiPolygon"}),
    "units": frozenset(
        {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
    ),
}
"""Geometry types each input role accepts."""

_ERRORS_READING = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    zipfile.BadZipFile,
    OSError,
)


@dataclass(frozen=True)
class Layer:
    """A layer as read, in its own CRS, with the name used for it in messages."""

    gdf: gpd.GeoDataFrame
    source: str
    """The file (and layer) for messages, for example ``city.gpkg, layer roads``."""
    is_osm: bool


def parse_crs(crs: str | None, log: ProblemLog) -> CRS | None:
    """The CRS given with ``--crs``, or None; an unknown CRS is logged as an error."""
    if crs is None:
        return None
    try:
        return CRS.from_user_input(crs)
    except CRSError:
        log.error(
            "--crs",
            "",
            f"'{crs}' is not a CRS pyproj knows; give an EPSG code such as EPSG:4326 or EPSG:4547",
        )
        return None


def read_layer(
    path: Path,
    role: str,
    log: ProblemLog,
    *,
    layer: str | None = None,
    crs: CRS | None = None,
) -> Layer | None:
    """Read the layer of ``path`` that holds ``role`` features, or log why it cannot be read.

    Parameters
    ----------
    path
        The file. A zip is read through GDAL's ``/vsizip/``; OpenStreetMap files give
        their ``lines`` layer for roads.
    role
        ``zones``, ``roads``, ``places`` or ``incidents``: decides which layer is picked
        when the file has several and none is named.
    log
        Collects the problems; nothing is raised here.
    layer
        The layer to read; needed only when the file has several candidate layers.
    crs
        The CRS assumed for a layer that has none. A layer with its own CRS keeps it.
    """
    name = path.name
    if not path.exists():
        log.error(name, "", f"the {role} file {path} does not exist; check the path")
        return None
    suffix = path.suffix.lower()
    if suffix not in _FORMAT_NAMES:
        log.error(
            name,
            "",
            f"'{path.suffix or path.name}' is not a format roadchief reads for {role}; "
            f"expected one of {ACCEPTED_FORMATS}",
        )
        return None
    is_osm = suffix in _OSM_SUFFIXES
    if suffix == ".shp":
        lacking = [e for e in (".shx", ".dbf") if not _sibling(path, e).exists()]
        if lacking:
            log.error(
                name,
                "",
                f"the shapefile's {' and '.join(lacking)} file is missing; a shapefile needs "
                ".shp, .shx and .dbf (and .prj) side by side; copy all of them or zip them",
            )
            return None
    try:
        dataset, source = _dataset_path(path)
        if dataset is None:
            log.error(
                name,
                "",
                "the zip holds no data file (.shp, .geojson, .gpkg or .fgb); zip the .shp "
                "with its .shx, .dbf and .prj files",
            )
            return None
        chosen: str | None = None  # the only layer: listing it would parse a GeoJSON twice
        if layer is not None or not dataset.lower().endswith(_ONE_LAYER_SUFFIXES):
            layers = [(str(n), _plain_type(str(t))) for n, t in pyogrio.list_layers(dataset)]
            found = _choose_layer(layers, role, layer, is_osm, source, log)
            if found is None:
                return None
            chosen = found
            if len(layers) > 1:
                source = f"{source}, layer {chosen}"
        gdf = _read_text_safely(dataset, chosen, source, log)
    except _ERRORS_READING as exc:
        log.error(
            name,
            "",
            f"cannot be read as {_FORMAT_NAMES[suffix]} ({_first_line(exc)}); expected a "
            f"valid file in one of {ACCEPTED_FORMATS}",
        )
        return None
    if gdf is None:
        return None
    if len(gdf) == 0:
        log.error(source, "", f"has no features; expected at least one {role} feature")
        return None
    gdf = _with_crs(gdf, crs, source, log)
    if gdf is None:
        return None
    return Layer(gdf=gdf, source=source, is_osm=is_osm)


def _sibling(path: Path, suffix: str) -> Path:
    """The file beside ``path`` with ``suffix`` in either case (``.dbf`` or ``.DBF``)."""
    lower = path.with_suffix(suffix)
    return lower if lower.exists() else path.with_suffix(suffix.upper())


def _dataset_path(path: Path) -> tuple[str | None, str]:
    """The path GDAL opens and the name for messages; a zip names its data file inside."""
    if path.suffix.lower() != ".zip":
        return str(path), path.name
    with zipfile.ZipFile(path) as zf:
        members = [
            m
            for m in zf.namelist()
            if Path(m).suffix.lower() in _DATA_IN_ZIP and not Path(m).name.startswith(".")
        ]
    if not members:
        return None, path.name
    if len(members) == 1:
        return f"/vsizip/{path.resolve()}/{members[0]}", f"{path.name}/{members[0]}"
    folders = {str(Path(m).parent) for m in members}
    if len(folders) == 1 and all(m.lower().endswith(".shp") for m in members):
        folder = folders.pop()
        inner = "" if folder == "." else f"/{folder}"
        return f"/vsizip/{path.resolve()}{inner}", path.name
    raise pyogrio.errors.DataSourceError(
        f"the zip holds several data files in different folders or formats: {', '.join(members)}"
        "; zip one layer per file"
    )


def _plain_type(geometry_type: str) -> str:
    """``Polygon`` from GDAL's ``3D Polygon`` / ``Polygon Z``."""
    return geometry_type.replace("3D ", "").replace(" Z", "").replace(" M", "").strip()


def _choose_layer(
    layers: list[tuple[str, str]],
    role: str,
    layer: str | None,
    is_osm: bool,
    source: str,
    log: ProblemLog,
) -> str | None:
    """The layer to read: the named one, OSM ``lines`` for roads, the only fitting one."""
    listing = ", ".join(f"{n} ({t})" for n, t in layers)
    names = [n for n, _ in layers]
    if layer is not None:
        if layer in names:
            return layer
        log.error(source, "", f"has no layer '{layer}'; its layers are: {listing}")
        return None
    if len(layers) == 1:
        return names[0]
    if is_osm and role == "roads":
        return "lines"
    fitting = [n for n, t in layers if t in ROLE_GEOMETRIES[role]]
    if len(fitting) == 1:
        return fitting[0]
    kinds = " or ".join(sorted(ROLE_GEOMETRIES[role]))
    log.error(
        source,
        "",
        f"has {len(layers)} layers and {len(fitting)} of them hold {kinds} features; "
        f"name the {role} layer (--{role}-layer); its layers are: {listing}",
    )
    return None


def _read_text_safely(
    dataset: str, layer: str | None, source: str, log: ProblemLog
) -> gpd.GeoDataFrame | None:
    """Read the layer, refusing text that is not UTF-8 instead of guessing its encoding.

    GDAL reads a shapefile whose DBF declares no encoding (no ``.cpg``, no code page
    byte) as ISO-8859-1, which turns GBK Chinese into silent mojibake; such a file is
    read as UTF-8 here, and fails loudly if it is not.
    """
    undeclared = False
    if not dataset.lower().endswith((".geojson", ".json", ".gpkg", ".fgb", ".osm", ".pbf")):
        info = pyogrio.read_info(dataset, layer=layer, force_feature_count=False)
        undeclared = (
            info["driver"] == "ESRI Shapefile"
            and info["encoding"] == "ISO-8859-1"
            and not _has_cpg(dataset, layer or Path(dataset).stem)
        )
    encoding = "UTF-8" if undeclared else None
    try:
        gdf: gpd.GeoDataFrame = gpd.read_file(dataset, layer=layer, encoding=encoding)
    except UnicodeDecodeError as exc:
        log.error(
            source,
            "",
            f"holds text that is not UTF-8 (byte {exc.object[exc.start : exc.start + 1]!r} "
            "cannot be decoded); save it as UTF-8 or add a .cpg file naming its encoding "
            "(for example GBK)",
        )
        return None
    return gdf


def _has_cpg(dataset: str, layer: str) -> bool:
    """True if the shapefile ``layer`` of ``dataset`` (a file or folder) has a ``.cpg``."""
    folder = dataset.rsplit("/", 1)[0] if dataset.lower().endswith(".shp") else dataset
    names = pyogrio.vsi_listtree(folder, pattern=f"{layer}.*")
    return any(name.lower().endswith(f"/{layer}.cpg".lower()) for name in names)


def _with_crs(
    gdf: gpd.GeoDataFrame, crs: CRS | None, source: str, log: ProblemLog
) -> gpd.GeoDataFrame | None:
    """The frame with a CRS: its own, else ``crs``; coordinates checked against it."""
    if gdf.crs is None:
        if crs is None:
            log.error(source, "", "has no CRS; set one (for example EPSG:4326) or pass --crs")
            return None
        gdf = gdf.set_crs(crs)
    if gdf.crs is not None and gdf.crs.is_geographic:
        minx, miny, maxx, maxy = gdf.total_bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            log.error(
                source,
                "",
                f"says its CRS is {gdf.crs.to_string()} (degrees) but its coordinates reach "
                f"({maxx:.0f}, {maxy:.0f}), which are not degrees; set the CRS the "
                "coordinates were made in (a projected one) or pass --crs",
            )
            return None
    return gdf


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
