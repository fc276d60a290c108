import pytest

from loyaldesk.webhooks.signing import SECRET_PREFIX, generate_secret, sign, signature, verify

SECRET = "whsec_test"
BODY = b'{"id":"1","kind":"case.created"}'
NOW = 1_780_000_000


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    # From OpenSSL, not from Python: printf '%s' "1780000000.$BODY" | openssl dgst -sha256 \
    #   -hmac whsec_test
    expected = "6d506835e965a99adbf1f69f83ac2caabbe2e7bd3c43431fba3c99770aa995ba"
    assert signature(SECRET, NOW, BODY) == expected
    assert sign(SECRET, BODY, timestamp=NOW) == f"t={NOW},v1={expected}"


def test_a_signed_body_verifies():
    assert verify(SECRET, BODY, sign(SECRET, BODY, timestamp=NOW), now=NOW + 10)


@pytest.mark.parametrize(
    ("secret", "body", "now"),
    [
        pytest.param("whsec_other", BODY, NOW, id="other secret"),
        pytest.param(SECRET, BODY + b" ", NOW, id="changed body"),
        pytest.param(SECRET, BODY, NOW + 301, id="too old"),
        pytest.param(SECRET, BODY, NOW - 301, id="from the future"),
    ],
)
def test_anything_else_does_not(secret, body, now):
    assert not verify(secret, body, sign(SECRET, BODY, timestamp=NOW), now=now)


@pytest.mark.parametrize(
    "header",
    ["", "garbage", f"t={NOW}", "v1=abc", f"t=x{NOW},v1=abc", f"t={NOW},v1=é", "t=١٢,v1=ab"],
)
def test_malformed_headers_do_not_verify(header):
    assert not verify(SECRET, BODY, header, now=NOW)


def test_any_of_several_signatures_may_match():
    header = f"t={NOW},v1={signature('whsec_old', NOW, BODY)},v1={signature(SECRET, NOW, BODY)}"
    assert verify(SECRET, BODY, header, now=NOW)


def test_secrets_are_random_and_long():
    secrets = {generate_secret() for _ in range(100)}
    assert len(secrets) == 100
    assert all(s.startswith(SECRET_PREFIX) and len(s) >= len(SECRET_PREFIX) + 43 for s in secrets)
