"""Ledgers opened by their reference: a GeoPackage path, or `postgis://<connection>[/<schema>]`
naming one of QGIS's saved PostgreSQL connections.

Shared by the dock and the algorithms (so it lives beside compat.py, not under processing/);
the reference's own text is core.ledger_reference.

A reference names a connection saved in QGIS (Browser > PostgreSQL), never a password. At run
time the connection's settings are read from QGIS, and a password comes from QGIS's
authentication manager (the connection's authcfg), from the saved connection itself (when the
user chose to store it there), or from libpq (a service file or password file). The password is
held only in memory, in the parameters the ledger connects with: it is not written into the
project, a log, or the ledger, and no message shows it.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsDataSourceUri,
    QgsProviderRegistry,
)

from .core import ledger
from .core.ledger_postgis import PostGISLedger
from .core.ledger_reference import is_postgis_reference, parse_reference

_SSL_MODES = {
    QgsDataSourceUri.SslPrefer: "prefer",
    QgsDataSourceUri.SslDisable: "disable",
    QgsDataSourceUri.SslAllow: "allow",
    QgsDataSourceUri.SslRequire: "require",
    QgsDataSourceUri.SslVerifyCa: "verify-ca",
    QgsDataSourceUri.SslVerifyFull: "verify-full",
}


def connection_names() -> list[str]:
    """Names of the PostgreSQL connections saved in QGIS."""
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    return sorted(metadata.connections(False).keys()) if metadata else []


def connection_params(connection_name: str) -> dict[str, str]:
    """psycopg2.connect keywords for a saved QGIS connection, password resolved in memory."""
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    if metadata is None:
        raise ledger.LedgerError(
            "QGIS 未加载 PostgreSQL 数据提供者 / QGIS has no postgres provider"
        )
    try:
        connection = metadata.findConnection(connection_name, False)
    except Exception:  # QgsProviderConnectionException in some versions
        connection = None
    if connection is None:
        raise ledger.LedgerError(
            f"QGIS 中没有名为“{connection_name}”的 PostgreSQL 连接 / QGIS has no saved PostgreSQL "
            f"connection named {connection_name!r} (known: {', '.join(connection_names())})"
        )
    uri = QgsDataSourceUri(connection.uri())
    params: dict[str, str] = {"application_name": "zc_enforcement", "connect_timeout": "10"}
    if uri.service():
        params["service"] = uri.service()  # libpq's service file holds the rest
    for key, value in (
        ("host", uri.host()),
        ("port", uri.port()),
        ("dbname", uri.database()),
        ("user", uri.username()),
        ("password", uri.password()),
    ):
        if value:
            params[key] = value
    if uri.sslMode() in _SSL_MODES and uri.sslMode() != QgsDataSourceUri.SslPrefer:
        params["sslmode"] = _SSL_MODES[uri.sslMode()]
    authcfg = uri.authConfigId()
    if authcfg:
        config = QgsAuthMethodConfig()
        manager = QgsApplication.authManager()
        if not manager.loadAuthenticationConfig(authcfg, config, True) or not config.isValid():
            raise ledger.LedgerError(
                f"无法读取认证配置 {authcfg}（主密码未输入？）/ cannot load authentication "
                f"configuration {authcfg} of connection {connection_name!r} (master password "
                "not entered?)"
            )
        if config.config("username"):
            params["user"] = config.config("username")
        if config.config("password"):
            params["password"] = config.config("password")
    return params


def open_ledger_store(
    ledger_reference: str | Path,
    evidence_dir: str | Path | None = None,
    create: bool = True,
) -> ledger.LedgerStore:
    """A GeoPackage path or a `postgis://<connection>[/<schema>]` reference, opened; a missing
    GeoPackage is created unless `create` is false (a ledger to read from: a typo in its
    path must not copy nothing from a new, empty ledger)."""
    text = str(ledger_reference)
    if not is_postgis_reference(text):
        return ledger.GeoPackageLedger(Path(text), create=create)
    name, schema = parse_reference(text)
    return PostGISLedger(
        connection_params(name), schema=schema, evidence_dir=evidence_dir, connection_name=name
    )
