"""Accounts (issue 11, item 6): two-factor sign-in, passwords, sign-in throttling, API tokens,
the user commands, and answers that never tell whether a username exists.

Each test failed before: there was no MFA; "Password123!" and "Riverford2024" were accepted;
lockout was per username and address only (many usernames from one address, or one username
from many addresses, were unlimited); tokens never expired and had no scope, name or listing;
users could be disabled or given another role only in a Django shell.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from csphub.accounts import mfa, services
from csphub.accounts.models import Agency, ApiToken, Membership
from csphub.accounts.passwords import CommonPasswordValidator, loose
from csphub.audit.models import AuditEntry
from csphub.cli import main
from csphub.errors import ConfigurationError, CsphubError
from csphub.settings import load_settings

from .factories import PASSWORD, create_agency, create_user

pytestmark = pytest.mark.django_db

CASE = {"case_type": "Noise nuisance", "summary": "Loud music most nights"}


def sign_in(client: Client, username: str, password: str = PASSWORD, ip: str = "10.1.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's phone would show now (or that many 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def forgive(device: TOTPDevice) -> None:
    """Forget the wrong codes (each makes the next try wait: 1 s, 2 s, 4 s...)."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def mfa_on(settings):
    settings.CSPHUB_MFA_REQUIRED = True


# ---- Two-factor sign-in ----------------------------------------------------------------------


def test_mfa_is_required_by_default_and_cannot_be_turned_off_in_production():
    assert load_settings({}).mfa_required is True
    assert Agency._meta.get_field("mfa_required").default is True
    assert load_settings({"CSPHUB_MFA": "off"}).mfa_required is False
    with pytest.raises(ConfigurationError, match=r"^CSPHUB_MFA='off': expected required in production"):
        load_settings({"CSPHUB_ENV": "production", "CSPHUB_MFA": "off", "CSPHUB_SECRET_KEY": "x"})


def test_a_password_alone_opens_no_page_until_an_app_is_set_up_and_a_code_given(client, mfa_on):
    officer = create_user("officer", username="amira")
    assert sign_in(client, "amira").status_code == 302
    for path in ("/", "/cases/", "/account/tokens/", "/admin/", "/audit/"):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer["Location"].startswith("/login/mfa/setup/?next="), (path, answer["Location"])
    assert client.post("/cases/new/", {"summary": "x"})["Location"] == "/login/mfa/setup/"

    setup = client.get("/login/mfa/setup/?next=/cases/")
    page = setup.content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    # The secret as text and as a QR code drawn on the server: no image fetched from anywhere.
    assert "otpauth://totp/CSP%20Hub%3Aamira?secret=" in page and "<svg" in page
    assert mfa.secret_text(device) in page
    assert not re.search(r"<img|<script[^>]+src=\"https?:", page)
    assert mfa.secret_text(device) in client.get("/login/mfa/setup/").content.decode()  # the same secret again

    wrong = client.post("/login/mfa/setup/", {"code": "000000", "next": "/cases/"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    assert client.get("/").status_code == 302
    forgive(device)  # the wrong code made the next try wait a second
    done = client.post("/login/mfa/setup/", {"code": code_for(device), "next": "/cases/"})
    assert done.status_code == 302 and done["Location"] == "/cases/"
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=officer).confirmed

    # Next time: the password, then a code (the setup page no longer offers a new secret).
    client.post("/logout/")
    sign_in(client, "amira")
    assert client.get("/")["Location"].startswith("/login/mfa/?next=")
    assert client.get("/login/mfa/setup/")["Location"].startswith("/login/mfa/")
    assert client.post("/login/mfa/", {"code": code_for(device), "next": "/"}).status_code == 200  # used already
    forgive(device)
    assert client.post("/login/mfa/", {"code": code_for(device, 1), "next": "/"})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_page_is_given_the_signed_in_user_itself_with_its_two_factor_state(client, mfa_on):
    """Once the two-factor check has read the user, the page gets the user object, not Django's
    lazy stand-in (whose every attribute read went through a proxy), and keeps what django-otp
    set on it; a request signed in with no one stays anonymous and goes to sign in."""
    from django.contrib.auth import get_user_model

    officer = create_user("officer", username="amira")
    sign_in(client, "amira")
    client.get("/login/mfa/setup/")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert client.post("/login/mfa/setup/", {"code": code_for(device), "next": "/cases/"}).status_code == 302
    page = client.get("/cases/")
    user = page.wsgi_request.user
    assert page.status_code == 200 and type(user) is get_user_model() and user.pk == officer.pk
    assert user.is_verified() and user.otp_device == device
    client.post("/logout/")
    anonymous = client.get("/cases/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert not anonymous.wsgi_request.user.is_authenticated


def test_wrong_codes_are_throttled(client, mfa_on):
    officer = create_user("officer", username="amira")
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    sign_in(client, "amira")
    client.post("/login/mfa/", {"code": "123456"})
    client.post("/login/mfa/", {"code": "654321"})
    right_but_too_soon = client.post("/login/mfa/", {"code": code_for(device)}).content.decode()
    assert "Too many wrong codes. Wait" in right_but_too_soon
    assert client.get("/").status_code == 302


def test_an_agency_may_stop_requiring_it_and_the_api_does_not_ask(client, mfa_on):
    relaxed = create_agency("Victim Support", "voluntary")
    assert run("agency", "set-mfa", "Victim Support", "--not-required").exit_code == 0
    create_user("officer", relaxed, "vic")
    sign_in(client, "vic")
    assert client.get("/").status_code == 200
    strict = create_user("officer", username="amira")
    token = ApiToken.issue(strict)
    assert Client().get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


# ---- Passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["Password123!", "Riverford2024", "P4ssw0rd-2024!", "medway-is-home-99",
                                      "2024KENTKENTKENT", "Qwertyuiop123", "R1verford-Council"])
def test_guessable_passwords_are_refused(password):
    user = create_user("officer", create_agency("Aldermoor Council ASB Team"), "amira.khan")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.parametrize("password, why", [
    ("Amira-horse-battery-7", "your username"),
    ("Aldermoor-horse-battery", "your agency's name"),
    ("horse-battery-COUNCIL", "your agency's name"),
    ("Gridshire-horses-battery", "a place name of the area"),
])
def test_the_username_the_agency_and_the_area_are_refused_however_written(settings, password, why):
    settings.CSPHUB_AREA_NAMES = ("gridshire", "riverford")
    user = create_user("officer", create_agency("Aldermoor Council ASB Team"), "amira.khan")
    with pytest.raises(ValidationError, match=re.escape(why)):
        validate_password(password, user)


def test_a_good_passphrase_is_accepted_and_the_list_is_large():
    user = create_user("officer", create_agency("Aldermoor Council ASB Team"), "amira.khan")
    validate_password("correct horse battery staple", user)
    assert len(CommonPasswordValidator().passwords) == 19_640  # Django's 20,000, distinct in lower case
    assert loose("Riverford2024!") == "riverford" and loose("P@ssw0rd") == "password"


def test_a_new_user_s_password_is_checked_against_their_agency():
    agency = create_agency("Medway Council ASB Team")
    with pytest.raises(CsphubError, match="agency's name"):
        services.create_user("tom", agency, "officer", "Council-horse-battery-staple")
    with pytest.raises(CsphubError, match="place name"):
        services.create_user("tom", agency, "officer", "Riverford2024")
    assert not Membership.objects.filter(user__username="tom").exists()


# ---- Sign-in throttling ----------------------------------------------------------------------


def test_one_username_from_many_addresses_is_locked(client):
    create_user("officer", username="amira")
    for n in range(9):
        assert sign_in(client, "amira", "wrong-guess", ip=f"10.2.0.{n}").status_code == 200
    tenth = sign_in(client, "amira", "wrong-guess", ip="10.2.0.9")
    assert tenth.status_code == 429 and "Too many failed sign-in attempts" in tenth.content.decode()
    assert sign_in(client, "amira", ip="10.2.0.99").status_code == 429  # even with the right password


def test_one_address_trying_many_usernames_is_locked(client):
    create_user("officer", username="amira")
    for n in range(19):
        assert sign_in(client, f"someone{n}", "Summer2024!", ip="10.3.0.1").status_code == 200
    unknown = sign_in(client, "someone19", "Summer2024!", ip="10.3.0.1")
    known = sign_in(client, "amira", ip="10.3.0.1")
    assert unknown.status_code == known.status_code == 429
    assert _main(unknown) == _main(known)  # a lockout says nothing about which usernames exist
    assert sign_in(client, "amira", ip="10.3.0.2").status_code == 302  # others are not


@pytest.mark.django_db(transaction=True)
def test_csphub_user_unlock_lifts_a_lockout(client):
    create_user("officer", username="amira")
    for _ in range(5):
        sign_in(client, "amira", "wrong-guess")
    assert sign_in(client, "amira").status_code == 429
    result = run("user", "unlock", "amira")
    assert result.exit_code == 0 and "Unlocked amira" in result.output
    assert sign_in(client, "amira").status_code == 302


# ---- Answers that do not tell whether a username exists ---------------------------------------


def _error_of(answer) -> str:
    return " ".join(re.findall(r'govuk-error-summary__list">(.*?)</ul>', answer.content.decode(), re.S))


def test_a_wrong_password_an_unknown_username_and_a_disabled_user_get_the_same_answer(client):
    create_user("officer", username="amira")
    create_user("officer", username="tom").__class__.objects.filter(username="tom").update(is_active=False)
    answers = [sign_in(Client(), "amira", "wrong-guess"), sign_in(Client(), "nobody-here", "wrong-guess"),
               sign_in(Client(), "tom")]
    assert {a.status_code for a in answers} == {200}
    assert len({_error_of(a) for a in answers}) == 1 and "correct username and password" in _error_of(answers[0])


def test_an_unknown_username_takes_as_long_as_a_wrong_password(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    officer = create_user("officer", username="amira")
    officer.set_password(PASSWORD)
    officer.save()

    def timed(username: str, n: int) -> float:
        started = time.perf_counter()
        sign_in(Client(), username, "wrong-guess", ip=f"10.4.{n}.1")
        return time.perf_counter() - started

    known = [timed("amira", n) for n in range(5)]
    unknown = [timed(f"nobody{n}", 10 + n) for n in range(5)]
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2, (known, unknown)


def test_a_bad_reset_link_says_the_same_for_a_real_user_and_a_made_up_one(client):
    officer = create_user("officer", username="amira")
    real = client.get(f"/login/reset/{urlsafe_base64_encode(str(officer.pk).encode())}/bad-token/")
    made_up = client.get("/login/reset/OTk5OTk/bad-token/")
    assert real.status_code == made_up.status_code == 200
    assert "This link does not work" in real.content.decode()
    assert _main(real) == _main(made_up)
    forgotten = client.get("/login/forgotten/").content.decode()
    assert 'name="username"' not in forgotten and "agency" in forgotten


def _main(answer) -> str:
    return re.search(r"<main.*</main>", answer.content.decode(), re.S).group(0)


# ---- API tokens --------------------------------------------------------------------------------


def test_tokens_expire_after_90_days_by_default(settings):
    officer = create_user("officer")
    token, _ = ApiToken.make(officer)
    assert abs(token.expires_on - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    settings.CSPHUB_TOKEN_DAYS = 7
    token, _ = ApiToken.make(officer, days=None)
    assert abs(token.expires_on - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


def test_expired_revoked_and_disabled_owners_tokens_answer_401(client):
    officer = create_user("officer")
    raw = ApiToken.issue(officer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/cases/", **auth).status_code == 200
    ApiToken.objects.update(expires_on=timezone.now() - timedelta(seconds=1))
    expired = client.get("/api/v1/cases/", **auth)
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "unauthenticated"
    ApiToken.objects.update(expires_on=timezone.now() + timedelta(days=1), revoked_on=timezone.now())
    assert client.get("/api/v1/cases/", **auth).status_code == 401
    ApiToken.objects.update(revoked_on=None)
    services.set_active(officer, False)
    assert client.get("/api/v1/cases/", **auth).status_code == 401


def test_a_read_token_reads_but_cannot_change_anything(client):
    officer = create_user("officer")
    raw = ApiToken.issue(officer, scope="read", name="Power BI")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/cases/", **auth).status_code == 200
    refused = client.post("/api/v1/cases/", json.dumps(CASE), content_type="application/json", **auth)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_refused" and "read-only" in refused.json()["error"]["message"]
    assert AuditEntry.objects.filter(action="refused", user=officer, channel="api").exists()
    writer = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(officer, scope='write')}"}
    assert client.post("/api/v1/cases/", json.dumps(CASE), content_type="application/json", **writer).status_code == 201


def test_last_use_is_written_at_most_once_an_hour(client):
    raw = ApiToken.issue(create_user("officer"))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.get("/api/v1/cases/", **auth)
    first = ApiToken.objects.get().last_used_on
    assert first is not None
    client.get("/api/v1/cases/", **auth)
    assert ApiToken.objects.get().last_used_on == first
    ApiToken.objects.update(last_used_on=first - timedelta(hours=2))
    client.get("/api/v1/cases/", **auth)
    assert ApiToken.objects.get().last_used_on > first


def test_the_owner_lists_makes_and_revokes_their_tokens_on_a_page(client):
    officer = create_user("officer", username="amira")
    other = create_user("officer", username="tom")
    theirs, _ = ApiToken.make(other, name="Tom's export")
    client.force_login(officer)
    made = client.post("/account/tokens/", {"name": "Nightly export", "scope": "read", "days": "30"})
    raw = re.search(r'id="new-token">(csphub_[^<]+)<', made.content.decode()).group(1)
    token = ApiToken.objects.get(user=officer)
    assert (token.name, token.scope) == ("Nightly export", "read")
    assert abs(token.expires_on - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    listed = client.get("/account/tokens/").content.decode()
    assert "Nightly export" in listed and raw not in listed and "Tom&#x27;s export" not in listed
    assert client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_on is not None
    assert ApiToken.objects.get(pk=theirs.pk).revoked_on is None
    assert Client().get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_admins_list_and_revoke_their_users_tokens_only(client):
    council, police = create_agency("Council"), create_agency("Police", "police")
    admin = create_user("agency_admin", council, "council.admin")
    ours, _ = ApiToken.make(create_user("officer", council, "amira"), name="Ours")
    police_token, _ = ApiToken.make(create_user("officer", police, "pc.jones"), name="Police export")
    client.force_login(admin)
    page = client.get("/administration/tokens/").content.decode()
    assert "amira" in page and "pc.jones" not in page
    assert client.post(f"/account/tokens/{police_token.pk}/revoke/").status_code == 404
    assert AuditEntry.objects.filter(user=admin, action="refused", object_type="api_token",
                                     object_id=str(police_token.pk)).exists()
    assert client.post(f"/account/tokens/{ours.pk}/revoke/")["Location"] == "/administration/tokens/"
    assert ApiToken.objects.get(pk=ours.pk).revoked_on is not None

    client.force_login(create_user("partnership_admin", council, "csp.admin"))
    assert "pc.jones" in client.get("/administration/tokens/").content.decode()
    client.force_login(create_user("officer", council, "tom"))
    assert client.get("/administration/tokens/").status_code == 403


# ---- The commands ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_token_create_list_and_revoke_one_from_the_command_line(client):
    create_user("officer", create_agency("Council"), "amira")
    made = run("token", "create", "amira", "--name", "Power BI", "--scope", "read", "--days", "30")
    assert made.exit_code == 0, made.output
    raw = made.stdout.strip()
    second = run("token", "create", "amira", "--name", "Script").stdout.strip()
    listed = run("token", "list", "--user", "amira", "--format", "json")
    rows = json.loads(listed.output)
    assert [(r["name"], r["scope"], r["status"]) for r in rows] == [("Script", "read", "active"),
                                                                   ("Power BI", "read", "active")]
    assert raw not in listed.output and "digest" not in listed.output
    assert set(rows[0]) == {"id", "username", "name", "scope", "created_on", "expires_on", "last_used_on", "status"}
    power_bi = rows[1]["id"]
    assert run("token", "revoke", "amira", "--id", str(power_bi)).exit_code == 0
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200
    assert [r["name"] for r in json.loads(run("token", "list", "--format", "json").output)] == ["Script"]


@pytest.mark.django_db(transaction=True)
def test_user_list_disable_enable_and_set_role(client, mfa_on):
    council = create_agency("Council")
    create_user("officer", council, "amira")
    rows = json.loads(run("user", "list", "--format", "json").output)
    assert rows == [{"username": "amira", "name": "", "agency": "Council", "role": "officer", "active": True,
                     "mfa": "not set up", "last_login": "", "recent_failures": 0}]
    assert run("user", "disable", "amira").exit_code == 0
    assert sign_in(client, "amira").status_code == 200  # refused, with the usual words
    assert run("user", "enable", "amira").exit_code == 0
    assert sign_in(client, "amira").status_code == 302
    assert run("user", "set-role", "amira", "supervisor").exit_code == 0
    assert Membership.objects.get(user__username="amira").role == "supervisor"
    assert run("user", "set-role", "amira", "chief").exit_code == 2
    assert run("user", "disable", "nobody").exit_code == 1
    changes = AuditEntry.objects.filter(object_type="user", action="changed").values_list("summary", flat=True)
    assert set(changes) == {"disabled", "enabled", "role officer -> supervisor"}


@pytest.mark.django_db(transaction=True)
def test_reset_password_prints_a_link_that_works_once(client):
    officer = create_user("officer", create_agency("Council"), "amira")
    TOTPDevice.objects.create(user=officer, name="old phone", confirmed=True)
    result = run("user", "reset-password", "amira", "--base-url", "https://csphub.example.gov.uk", "--reset-mfa")
    assert result.exit_code == 0, result.output
    assert not TOTPDevice.objects.filter(user=officer).exists()
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("https://csphub.example.gov.uk/login/reset/")
    path = link.removeprefix("https://csphub.example.gov.uk")
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "Riverford2024", "new_password2": "Riverford2024"})
    assert "place name of the area" in weak.content.decode()
    done = client.post(set_url, {"new_password1": "tall lamp quiet orchard", "new_password2": "tall lamp quiet orchard"})
    assert done.status_code == 302
    assert sign_in(Client(), "amira", "tall lamp quiet orchard").status_code == 302
    assert "This link does not work" in Client().get(path, follow=True).content.decode()
    generated = run("user", "reset-password", "amira", "--generate-password")
    password = generated.output.split("Password (shown once): ")[1].strip()
    assert sign_in(Client(), "amira", password, ip="10.5.0.1").status_code == 302
