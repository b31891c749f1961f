"""OpenMTP's own interop checks with unmodified msal and azure-identity, run against `mtp serve --demo`.

Usage: interop_clients.py <demo.json> <base URL, e.g. https://127.0.0.1:18443>
Prints one line per check and ends with 'N passed, N failed'; exits 1 on any failure.
"""
import json
import os
import sys
import urllib.parse

import msal
import requests
from azure.identity import CertificateCredential, ClientSecretCredential

API = "https://api.security.microsoft.com"
demo = json.load(open(sys.argv[1]))
base = sys.argv[2].rstrip("/")
os.environ["REQUESTS_CA_BUNDLE"] = demo["caFile"]
authority = "%s/%s" % (base, demo["tenantId"])
host = urllib.parse.urlsplit(base).hostname
if urllib.parse.urlsplit(base).port not in (None, 443):
    # msal asks https://<host>:443/common/userrealm/... before ROPC; off 443 it does what it does after a 404.
    msal.authority.Authority._domains_without_user_realm_discovery.add(host)
results = []


def check(name):
    def register(fn):
        try:
            detail = fn()
            results.append(True)
            print("PASS %-45s %s" % (name, detail or "ok"))
        except Exception as error:  # noqa: BLE001 - every failure is reported
            results.append(False)
            print("FAIL %-45s %s: %s" % (name, type(error).__name__, error))
        return fn
    return register


def api(method, path, token, **kw):
    return requests.request(method, base + path, headers={"Authorization": "Bearer " + token}, **kw)


def user_token(user, scope):
    app = msal.PublicClientApplication(demo["apps"]["public"]["clientId"], authority=authority, instance_discovery=False)
    result = app.acquire_token_by_username_password(demo["users"][user]["username"], demo["users"][user]["password"], scopes=[API + "/" + scope])
    assert "access_token" in result, result.get("error_description")
    return app, result


@check("msal secret -> incidents")
def _():
    app = msal.ConfidentialClientApplication(
        demo["apps"]["full"]["clientId"], client_credential=demo["apps"]["full"]["clientSecret"], authority=authority,
        instance_discovery=False, azure_region=False)
    token = app.acquire_token_for_client([API + "/.default"])["access_token"]
    reply = api("GET", "/api/incidents", token)
    assert reply.status_code == 200, reply.text
    assert len(reply.json()["value"]) == 4
    return "%d incidents" % len(reply.json()["value"])


@check("azure-identity certificate -> hunting")
def _():
    credential = CertificateCredential(demo["tenantId"], demo["apps"]["full"]["clientId"], certificate_path=demo["apps"]["full"]["certificateFile"],
                                       authority=base, disable_instance_discovery=True)
    token = credential.get_token(API + "/.default").token
    reply = api("POST", "/api/advancedhunting/run", token, json={"Query": "DeviceNetworkEvents | where RemotePort == 80 | count"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["Results"] == [{"Count": 3}], reply.json()["Results"]


@check("azure-identity secret, read-only app -> hunting 403")
def _():
    credential = ClientSecretCredential(demo["tenantId"], demo["apps"]["incidentsReadOnly"]["clientId"],
                                        demo["apps"]["incidentsReadOnly"]["clientSecret"], authority=base, disable_instance_discovery=True)
    token = credential.get_token(API + "/.default").token
    reply = api("POST", "/api/advancedhunting/run", token, json={"Query": "DeviceProcessEvents | take 1"})
    assert reply.status_code == 403, reply.status_code
    assert "AdvancedHunting.Read.All" in reply.json()["error"]["message"]


@check("user context: operator may use Incident.ReadWrite")
def _():
    _, result = user_token("analyst", "Incident.ReadWrite")
    assert api("GET", "/api/incidents", result["access_token"]).status_code == 200


@check("user context: reader's role caps a ReadWrite scope (403)")
def _():
    _, result = user_token("reader", "Incident.ReadWrite")
    reply = api("GET", "/api/incidents", result["access_token"])
    assert reply.status_code == 403, reply.status_code


@check("user context: reader may read and hunt")
def _():
    _, read = user_token("reader", "Incident.Read")
    assert api("GET", "/api/incidents", read["access_token"]).status_code == 200
    _, hunt = user_token("reader", "AdvancedHunting.Read")
    assert api("POST", "/api/advancedhunting/run", hunt["access_token"], json={"Query": "DeviceProcessEvents | count"}).status_code == 200


@check("refresh tokens rotate; a replaced one is refused")
def _():
    app, first = user_token("analyst", "Incident.Read")
    account = app.get_accounts()[0]
    renewed = app.acquire_token_silent([API + "/Incident.Read"], account=account, force_refresh=True)
    assert renewed and "access_token" in renewed
    replay = requests.post(authority + "/oauth2/v2.0/token", data={
        "grant_type": "refresh_token", "client_id": demo["apps"]["public"]["clientId"], "refresh_token": first["refresh_token"],
        "scope": API + "/Incident.Read offline_access"})
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant", replay.text
    after = app.acquire_token_silent([API + "/Incident.Read"], account=account, force_refresh=True)
    assert after is None or "access_token" not in after, "the family should be revoked after a replay"


print("%d passed, %d failed" % (results.count(True), results.count(False)))
sys.exit(0 if all(results) else 1)
