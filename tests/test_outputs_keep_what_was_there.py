"""A run never destroys what was there (found by an adversarial review): an output set to the
file its inputs are read from, two outputs in one file, an earlier result at the output's path
when the run is refused or cancelled, a Shapefile cut short read as a smaller layer."""

from __future__ import annotations

import hashlib

import pytest
from osgeo import ogr
from qgis.core import QgsProcessingException, QgsProcessingFeedback

from tests.screening_layers import memory_layer, square, write_gpkg
from tests.test_screenspots_bad_input import SPOT_FIELDS, _cancel_while_writing
from zc_enforcement_plugin.core import domain, spot_files
from zc_enforcement_plugin.core.ledger_records import SpotFileError
from zc_enforcement_plugin.processing.partial_outputs import EARLIER_SUFFIX

LAND_FIELDS = f"field={domain.LAND_CLASS_CODE}:string"


def screen(parameters: dict, feedback=None) -> dict:
    import processing

    return processing.run(
        "zcenforcement:screenspots", parameters, feedback=feedback or QgsProcessingFeedback()
    )


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def layers_of(path) -> dict[str, int]:
    source = ogr.Open(str(path))
    return {
        source.GetLayer(i).GetName(): source.GetLayer(i).GetFeatureCount()
        for i in range(source.GetLayerCount())
    }


@pytest.fixture
def district(tmp_path):
    """A GeoPackage holding spots and parcels, as the demo district and bureaus' deliveries do."""
    from qgis.core import QgsVectorFileWriter

    path = tmp_path / "district.gpkg"
    spots = memory_layer([(square(i * 50, 0, 20), [f"S{i}"]) for i in range(5)], SPOT_FIELDS)
    write_gpkg(spots, path)
    parcels = memory_layer([(square(-10, -10, 400), ["0101"])], LAND_FIELDS)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.layerName = "DLTB"
    options.actionOnExistingFile = QgsVectorFileWriter.CreateOrOverwriteLayer
    from qgis.core import QgsProject

    QgsVectorFileWriter.writeAsVectorFormatV3(
        parcels, str(path), QgsProject.instance().transformContext(), options
    )
    names = list(layers_of(path))
    assert len(names) == 2 and "DLTB" in names
    spots_layer = next(name for name in names if name != "DLTB")
    return path, f"{path}|layername={spots_layer}", f"{path}|layername=DLTB"


@pytest.mark.parametrize(
    "output",
    [
        lambda path, spots: str(path),  # the whole file replaced
        lambda path, spots: f"ogr:dbname='{path}' table=\"{spots.split('=')[-1]}\" (geom)",
    ],
    ids=["file", "its-layer"],
)
def test_an_output_over_the_file_the_spots_are_read_from_is_refused_before_anything(
    provider, district, output
):
    """The district's GeoPackage given as OUTPUT was replaced by the result (its other layers
    gone) and the run said it had screened the spots."""
    path, spots, parcels = district
    before = (digest(path), layers_of(path))
    with pytest.raises(QgsProcessingException) as error:
        screen({"SPOTS": spots, "LAND_USE": parcels, "OUTPUT": output(path, spots)})
    assert "OUTPUT" in str(error.value) and "SPOTS" in str(error.value)
    assert str(path) in str(error.value)
    assert (digest(path), layers_of(path)) == before


def test_a_new_layer_in_the_file_the_spots_are_read_from_is_written(provider, district):
    path, spots, parcels = district
    result = screen(
        {
            "SPOTS": spots,
            "LAND_USE": parcels,
            "OUTPUT": f"ogr:dbname='{path}' table=\"screened\" (geom)",
        }
    )
    assert result["OUTPUT"]
    assert layers_of(path)["screened"] == 5 and layers_of(path)["DLTB"] == 1


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_two_outputs_in_one_file_are_refused_before_the_overlay(provider, tmp_path, suffix):
    spots = memory_layer([(square(0, 0, 10), ["S1"])], SPOT_FIELDS)
    both = tmp_path / f"both{suffix}"
    progress: list[float] = []
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(progress.append)
    with pytest.raises(QgsProcessingException) as error:
        screen({"SPOTS": spots, "OUTPUT": str(both), "OUTPUT_PIECES": str(both)}, feedback)
    assert "OUTPUT_PIECES" in str(error.value) and str(both) in str(error.value)
    assert not progress and list(tmp_path.iterdir()) == []


def test_a_relative_output_in_a_missing_folder_stops_before_the_overlay(
    provider, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    spots = memory_layer([(square(0, 0, 10), ["S1"])], SPOT_FIELDS)
    with pytest.raises(QgsProcessingException) as error:
        screen({"SPOTS": spots, "OUTPUT": "no/such/out.gpkg"})
    assert str(tmp_path / "no" / "such") in str(error.value)


def earlier_result(tmp_path, name: str):
    """Yesterday's result at the output's path: a Shapefile with its side files, or a
    GeoPackage; {file: digest} of what is there."""
    yesterday = memory_layer([(square(0, 0, 10), ["Y1"])], SPOT_FIELDS)
    target = tmp_path / name
    if target.suffix == ".gpkg":
        write_gpkg(yesterday, target)
    else:
        from qgis.core import QgsProject, QgsVectorFileWriter

        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "ESRI Shapefile"
        QgsVectorFileWriter.writeAsVectorFormatV3(
            yesterday, str(target), QgsProject.instance().transformContext(), options
        )
    return target, {path: digest(path) for path in tmp_path.iterdir()}


@pytest.mark.parametrize("name", ["result.gpkg", "result.shp"])
def test_a_cancel_while_writing_leaves_the_earlier_result_as_it_was(provider, tmp_path, name):
    """The run's own half-written file goes, and the result it was to replace is there again,
    byte for byte (it was lost with it)."""
    target, before = earlier_result(tmp_path, name)
    result, feedback = _cancel_while_writing({"OUTPUT": str(target)})
    assert not result.get("OUTPUT")
    assert {path: digest(path) for path in tmp_path.iterdir()} == before


def test_a_refused_run_leaves_the_earlier_result_and_a_finished_one_replaces_it(
    provider, tmp_path, monkeypatch
):
    import processing

    from zc_enforcement_plugin.processing import screen_outputs

    target, before = earlier_result(tmp_path, "result.gpkg")
    spots = memory_layer([(square(0, 0, 10), ["S1"]), (square(50, 0, 10), ["S2"])], SPOT_FIELDS)
    real_add_features = screen_outputs.add_features

    def full_disk(sink, features, output):
        next(iter(features))
        raise QgsProcessingException("disk full")

    monkeypatch.setattr(screen_outputs, "add_features", full_disk)
    with pytest.raises(QgsProcessingException, match="disk full"):
        processing.run("zcenforcement:screenspots", {"SPOTS": spots, "OUTPUT": str(target)})
    assert {path: digest(path) for path in tmp_path.iterdir()} == before

    monkeypatch.setattr(screen_outputs, "add_features", real_add_features)
    processing.run("zcenforcement:screenspots", {"SPOTS": spots, "OUTPUT": str(target)})
    assert [path.name for path in tmp_path.iterdir()] == ["result.gpkg"]  # nothing …before_run
    assert layers_of(target)[target.stem] == 2
    assert not list(tmp_path.glob(f"*{EARLIER_SUFFIX}"))


def a_shapefile(tmp_path):
    from qgis.core import QgsProject, QgsVectorFileWriter

    spots = memory_layer([(square(i * 50, 0, 20), [f"S{i}"]) for i in range(40)], SPOT_FIELDS)
    path = tmp_path / "delivered.shp"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    QgsVectorFileWriter.writeAsVectorFormatV3(
        spots, str(path), QgsProject.instance().transformContext(), options
    )
    return path


def cut_in_half(path) -> tuple[int, int]:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return len(data), len(data) // 2


@pytest.mark.parametrize("part", [".dbf", ".shp", ".shx"])
def test_a_shapefile_cut_short_is_refused_naming_the_file(provider, tmp_path, part):
    """GDAL read a .dbf cut in half as a layer of half the spots, and a .shp cut short as spots
    without geometry: screened and imported without a word of the loss."""
    path = a_shapefile(tmp_path)
    whole, left = cut_in_half(path.with_suffix(part))
    with pytest.raises(QgsProcessingException) as error:
        screen({"SPOTS": str(path), "OUTPUT": "memory:"})
    message = str(error.value)
    assert str(path.with_suffix(part)) in message and f"has {left};" in message, message
    if part == ".dbf":  # its header's length leaves out the end-of-file mark QGIS writes
        assert f"says {whole - 1} bytes" in message and "of the 40 features" in message
    else:
        assert f"says {whole} bytes" in message
    with pytest.raises(SpotFileError, match=str(path.with_suffix(part))):
        spot_files.read_spot_file(path)


def test_a_whole_shapefile_passes_the_length_check(provider, tmp_path):
    from zc_enforcement_plugin.core import shapefile_parts

    path = a_shapefile(tmp_path)
    assert shapefile_parts.cut_short(path) is None
    with path.with_suffix(".dbf").open("ab") as dbf:  # bytes past the end are no loss
        dbf.write(b"\x1a\x00")
    assert shapefile_parts.cut_short(path) is None
    assert len(screen({"SPOTS": str(path), "OUTPUT": "memory:"})["OUTPUT"]) > 0


def test_a_file_left_aside_by_a_run_qgis_did_not_finish_is_never_replaced(provider, tmp_path):
    """QGIS dying mid-run leaves the earlier result as result.gpkg.before_run and its own
    half-written result.gpkg: the next run must not move the half-written file onto the whole
    one (it replaced it, the one whole copy lost). It replaces result.gpkg as QGIS would."""
    target, _ = earlier_result(tmp_path, "result.gpkg")
    aside = tmp_path / f"result.gpkg{EARLIER_SUFFIX}"
    target.rename(aside)
    whole = digest(aside)
    target.write_bytes(b"SQLite format 3\x00 half written")
    spots = memory_layer([(square(0, 0, 10), ["S1"])], SPOT_FIELDS)
    screen({"SPOTS": spots, "OUTPUT": str(target)})
    assert digest(aside) == whole
    assert layers_of(target)[target.stem] == 1
