"""A shared ledger opened through a connection saved in QGIS, its password in the auth manager."""

from __future__ import annotations

import os

import pytest
from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsDataSourceUri, QgsProviderRegistry

from scripts import postgis_server as srv
from zc_enforcement_plugin import postgis_connection as pc
from zc_enforcement_plugin.core import ledger_reference as lr
from zc_enforcement_plugin.core.ledger import LedgerError
from zc_enforcement_plugin.ui.review_session import ReviewSession

BRIGADE = "zc_brigade_user"


DATABASE = f"zc_test_connection_{os.getpid()}"  # its own, not the demo's `make postgis-demo` fills


@pytest.fixture(scope="module")
def server():
    try:
        started = srv.start()
    except srv.ServerError as exc:
        pytest.fail(f"the local PostgreSQL/PostGIS server could not be started: {exc}")
    srv.setup_database(DATABASE)
    yield
    srv.drop_database(DATABASE)
    if started:
        srv.stop()


def save_connection(name: str, authcfg: str) -> None:
    uri = QgsDataSourceUri()
    uri.setConnection(srv.HOST, str(srv.PORT), DATABASE, "", "", authConfigId=authcfg)
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    metadata.saveConnection(metadata.createConnection(uri.uri(False), {}), name)


def test_a_saved_connection_with_an_auth_config_opens_the_ledger(qgis_app, server, tmp_path):
    """The ledger reached through QGIS's saved connection is the one written directly: its
    spot is there, and the reference the project keeps holds no password."""
    from shapely.geometry import box

    from zc_enforcement_plugin.core import ledger_postgis as lp
    from zc_enforcement_plugin.core.ledger import SpotRecord

    direct = lp.PostGISLedger(srv.params(BRIGADE, DATABASE))
    try:
        x, y = 39_580_000.0, 4_050_000.0
        direct.import_batch("连接测试", [SpotRecord({"JCBH": "C1"}, box(x, y, x + 9, y + 9))])
    finally:
        direct.close()
    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        assert manager.setMasterPassword("test-master-password", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("zc brigade")
    config.setConfig("username", BRIGADE)
    config.setConfig("password", srv.password_for(BRIGADE))
    assert manager.storeAuthenticationConfig(config)[0]
    session = ReviewSession()
    try:
        save_connection("区局台帐 server", config.id())
        reference = lr.reference("区局台帐 server")
        assert lr.parse_reference(reference) == ("区局台帐 server", "zc_ledger")
        params = pc.connection_params("区局台帐 server")
        assert params["user"] == BRIGADE and params["port"] == str(srv.PORT)
        session.open(reference)
        assert session.path == reference
        assert session.store.counts() == (0, 1)
        assert [s.number for s in session.store.spots()] == ["C1"]
        # the reference is what the project stores: no password in it or in the ledger's name
        secret = srv.password_for(BRIGADE)
        assert secret not in reference and secret not in session.store.path
    finally:
        session.close()
        metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
        metadata.deleteConnection("区局台帐 server")
        manager.removeAuthenticationConfig(config.id())


def test_an_unknown_connection_is_named(qgis_app):
    with pytest.raises(LedgerError, match="no saved PostgreSQL connection named 'nowhere'"):
        pc.connection_params("nowhere")


def test_the_dock_opens_the_shared_ledger_from_its_menu(qgis_app, qgis_iface, server, tmp_path):
    """Shared… lists QGIS's saved connections; picking one opens its ledger in the dock, and the
    project keeps only the postgis:// reference."""
    from qgis.core import QgsProject

    from zc_enforcement_plugin.ui.verification_dock import PROJECT_SCOPE, VerificationDock

    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        assert manager.setMasterPassword("test-master-password", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("zc brigade dock")
    config.setConfig("username", BRIGADE)
    config.setConfig("password", srv.password_for(BRIGADE))
    assert manager.storeAuthenticationConfig(config)[0]
    save_connection("dock server", config.id())
    dock = VerificationDock(None, qgis_iface)
    try:
        menu = dock.shared_button.menu()
        menu.aboutToShow.emit()
        action = next(a for a in menu.actions() if a.text() == "dock server")
        action.trigger()
        assert dock.session.path == lr.reference("dock server")
        dock.save_state()
        saved, _ = QgsProject.instance().readEntry(PROJECT_SCOPE, "ledger", "")
        assert saved == lr.reference("dock server")
        assert srv.password_for(BRIGADE) not in saved
    finally:
        dock.cleanup()
        QgsProviderRegistry.instance().providerMetadata("postgres").deleteConnection("dock server")
        manager.removeAuthenticationConfig(config.id())


def save_uri(name: str, uri: QgsDataSourceUri, config: dict | None = None) -> None:
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    metadata.saveConnection(metadata.createConnection(uri.uri(False), config or {}), name)


def delete_connection(name: str) -> None:
    QgsProviderRegistry.instance().providerMetadata("postgres").deleteConnection(name)


def test_a_refused_connection_names_the_saved_connection(qgis_app, server):
    """The message named host:port/database alone: the saved connection to correct is named."""
    uri = QgsDataSourceUri()
    uri.setConnection(srv.HOST, str(srv.PORT), DATABASE, BRIGADE, "not-the-password")
    save_uri("pgl-badpw", uri, {"saveUsername": True, "savePassword": True})
    try:
        with pytest.raises(LedgerError, match="password") as refused:
            pc.open_ledger_store(lr.reference("pgl-badpw"))
        said = str(refused.value)
        assert "（连接 pgl-badpw）" in said and "(connection pgl-badpw)" in said
        assert f"{srv.HOST}:{srv.PORT}/{DATABASE}" in said and "not-the-password" not in said
    finally:
        delete_connection("pgl-badpw")


def test_a_pg_service_connection_is_named_by_its_service(qgis_app, server, tmp_path, monkeypatch):
    """A connection through libpq's service file has no host or port of its own: the message
    said localhost:5432, a server it never tried. It names the service, and the connection."""
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[zc_unreachable]\nhost={srv.HOST}\nport=1\ndbname={DATABASE}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    uri = QgsDataSourceUri()
    uri.setConnection("zc_unreachable", "", BRIGADE, "")
    save_uri("pgl-service", uri, {"saveUsername": True})
    try:
        with pytest.raises(LedgerError, match="cannot connect") as refused:
            pc.open_ledger_store(lr.reference("pgl-service"))
        said = str(refused.value)
        assert "pg_service zc_unreachable" in said and "(connection pgl-service)" in said
        assert "localhost:5432" not in said
    finally:
        delete_connection("pgl-service")


def test_a_connection_saved_without_a_user_name_says_who_it_logged_in_as(
    qgis_app, server, monkeypatch
):
    """libpq then logs in as the operating-system user: the refusal says so, or the user
    reads "password authentication failed for user …" about a name they never typed."""
    import getpass

    monkeypatch.delenv("PGUSER", raising=False)
    uri = QgsDataSourceUri()
    uri.setConnection(srv.HOST, str(srv.PORT), DATABASE, "", "")
    save_uri("pgl-nouser", uri)
    try:
        with pytest.raises(LedgerError) as refused:
            pc.open_ledger_store(lr.reference("pgl-nouser"))
        said = str(refused.value)
        assert "(connection pgl-nouser)" in said
        assert f"logs in as the operating-system user {getpass.getuser()!r}" in said
        assert f"以本机操作系统用户 {getpass.getuser()} 登录" in said
    finally:
        delete_connection("pgl-nouser")
