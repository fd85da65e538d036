"""Redact customer secrets from text before it leaves the app (exports, reports, logs).

Confidentiality rule of the domain: passwords, tokens, private keys and credentials in
connection strings must never reach an exported file. Field notes and command output
pasted into incidents are full of them (``mysql -uroot -pS3cret``, ``密码：Abc@123``,
``postgresql://app:pw@db/app``), so every export runs its text through :func:`redact`.

The secret is replaced by :data:`MARKER`; the key, flag or scheme in front of it stays so
the reader knows something was there (``password=[REDACTED]``, ``密码：[REDACTED]``,
``postgresql://app:[REDACTED]@db/app``).

Hand-written rules, not a library: detect-secrets (Apache-2.0) only *reports* lines, needs
``requests``, knows no Chinese keys and has no notion of keeping the key; Presidio needs
spaCy models. The rules below follow the same ideas (keyword detector, known token
formats) and are tuned against ordinary ops prose so IP addresses, paths, error codes and
sentences like "修改密码后重启服务" stay untouched.

Apply it to plain text *before* HTML-escaping or Markdown rendering: the rules read
``key=value`` forms, not ``<td>password</td><td>x</td>`` tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

__all__ = ["MARKER", "redact", "redact_count", "redact_value", "has_secrets"]

MARKER = "[REDACTED]"

# --- building blocks -----------------------------------------------------------------

# English keywords a key may end with (matched case-insensitively): ``db_password``,
# ``spring.datasource.password``, ``X-API-Key``, ``AWS_SECRET_ACCESS_KEY``.
_KEYWORDS = (
    r"pass(?:word|wd|phrase)?|pwd|secret|token|credentials?|auth"
    r"|(?:api|access|secret|private|account|master|encryption|signing|auth|app)[_.\-]?key"
    r"|(?:src|dest)?(?:store|key)pass"
)
# The same keywords in camelCase position (``dbPassword``, ``accessToken``,
# ``SharedAccessKey``): capital first letter, the rest as written, so BYPASS never matches.
_CAMEL = (
    r"Pass(?:word|wd|phrase)?|Pwd|Secret|Token|Credentials?|Auth"
    r"|(?:Api|API|Access|Secret|Private|Account|Master|Encryption|Signing|Auth|App)Key"
)
_SUFFIX = r"id|value|val|str|string|b64|base64|hash|enc|encrypted|plain|plaintext|hex"
_KEY = (
    rf"(?:[A-Za-z0-9]+[_.\-])*"
    rf"(?:(?i:{_KEYWORDS})|[A-Za-z][A-Za-z0-9]*?(?:{_CAMEL}))"
    rf"(?:[_.\-]?(?i:{_SUFFIX}))?"
)
_KEY_START = r"(?<![A-Za-z0-9_\-.])"
# Chinese keys: 密码、口令、密钥 (and the common misspelling 秘钥)、令牌、私钥、凭据…
_ZH_KEY = r"(?:密码|口令|密钥|秘钥|令牌|私钥|凭据|凭证|授权码)"

# A value. Quoted values keep their quotes; unquoted ones end at whitespace, quotes, a
# ", " or a ";"/"&" that starts the next ``key=`` (JDBC, query strings), and at Chinese
# text or full-width punctuation (``密码：Abc@123，请妥善保管``).
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_NEXT_KEY = r"(?![\w.\- ]+=|\s|$)"
_UNQUOTED = rf"(?:[^\s'\"<;&,{_CJK}]|,(?!\s|$)|[;&]{_NEXT_KEY})+"
_DQ = r'"(?:[^"\\\n]|\\.)*"'
_SQ = r"'[^'\n]*'"
_VALUE = rf"(?:{_DQ}|{_SQ}|{_UNQUOTED})"
_SP = r"[ \t\u3000]*"

# Values that are not secrets but settings or placeholders: ``auth: none``, ``password: ***``.
_NOT_SECRET = {
    "true", "false", "yes", "no", "none", "null", "nil", "on", "off", "required", "optional",
    "enabled", "disabled", "n/a", "na", "empty", "unset", "ok", "failed", "success", "error",
    "basic", "digest", "ntlm", "negotiate", "kerberos", "ldap", "bearer",
}
# Words that follow a flag in prose ("use the --password option"), not a value.
_PROSE_WORDS = {
    "option", "options", "flag", "flags", "parameter", "argument", "switch", "to", "is", "and",
    "or", "the", "with", "if", "when", "for", "in", "on", "of", "from", "only", "was", "not",
}
_QUANTITY_AFTER = re.compile(
    r"[ \t]*(?:位|个|字符|字|次|天|分钟|小时|秒|以上|以下|characters?|chars?|digits?|days?|times?"
    r"|attempts?|minutes?|hours?|seconds?|months?)",
    re.IGNORECASE,
)
_PATH = re.compile(r"(?:/|~/|[A-Za-z]:\\)[\w.\-/\\]*")


def _masked(value: str) -> bool:
    """An already hidden value: ``[REDACTED]``, ``******``, ``••••``."""
    inner = value.strip("'\"`")
    return inner.startswith(MARKER) or (inner != "" and set(inner) <= {"*", "•", "●"})


def _unquote(value: str) -> tuple[str, str, str]:
    """Split ``"abc"`` into quote, body, quote so the quotes can stay around the marker."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`":
        return value[0], value[1:-1], value[-1]
    return "", value, ""


def _hide(value: str) -> str:
    opening, _, closing = _unquote(value)
    return f"{opening}{MARKER}{closing}"


def _keep_value(value: str, after: str, key: str = "") -> bool:
    """True where the "value" is a setting, a placeholder, a quantity or a path, not a secret."""
    _, body, _ = _unquote(value)
    if not body or _masked(value):
        return True
    if body in {"{", "[", "(", "{}", "[]", "|", ">", "|-", ">-"}:
        return True  # JSON/YAML structure opening on the next line, not a value
    if body.lower() in _NOT_SECRET or body.rstrip(")]},.;。，）").lower() in _NOT_SECRET:
        return True  # also MySQL's "(using password: YES)"
    if body.isdigit() and _QUANTITY_AFTER.match(after):
        return True  # 密码：8 位以上 / password: 8 characters minimum
    if key.lower() == "pwd" and _PATH.fullmatch(body):
        return True  # the shell's PWD=/home/ops
    return bool(_PATH.fullmatch(body)) and body.count("/") + body.count("\\") >= 2


# --- the rules -----------------------------------------------------------------------

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]


def _whole(match: re.Match[str]) -> str | None:
    """Replace the ``v`` group, keep everything around it."""
    value = match.group("v")
    start, end = match.span("v")
    if _masked(value):
        return None
    text = match.group(0)
    offset = match.start()
    return text[: start - offset] + _hide(value) + text[end - offset :]


def _checked(match: re.Match[str]) -> str | None:
    """Like :func:`_whole`, but leaves settings, placeholders, quantities and paths alone."""
    key = match.groupdict().get("key") or ""
    after = match.string[match.end() : match.end() + 16]
    if _keep_value(match.group("v"), after, key):
        return None
    return _whole(match)


def _cli_value(match: re.Match[str]) -> str | None:
    """``--password xxx``: in the space form the next word may be prose, not a value."""
    value = match.group("v")
    if match.group("sep").strip() == "" and value.strip("'\"").lower() in _PROSE_WORDS:
        return None
    if value.startswith("-") and match.group("sep").strip() == "":
        return None  # ``--password -h host``: no value given, the tool will prompt
    if re.fullmatch(rf"[{_CJK}]+", value):
        return None  # 使用 --password 参数
    return _checked(match)


def _long_token(match: re.Match[str]) -> str | None:
    """A key followed by a long random-looking string: needs letters and digits."""
    value = match.group("v")
    if not (re.search(r"\d", value) and re.search(r"[A-Za-z]", value)):
        return None
    return _whole(match)


# Key material, plainly: a base64 word of 8 characters or more with a digit, '+', '/' or
# '=' in it (a prose word has none), one of 40 or more (no prose word is that long), or
# a PGP checksum line (=AbCd). Possessive and atomic: linear on any text.
_B64 = "A-Za-z0-9+/="
_PEM_KEY = rf"(?>=[A-Za-z0-9+/]{{4}}|(?=[A-Za-z]*+[0-9+/=])[{_B64}]{{8,}}+|[{_B64}]{{40,}}+)(?![{_B64}])"
# Between key lines: a line break (at most one blank line), an escaped one ("\\n" in JSON
# or an .env value), or spaces (a key flattened onto one line by a log).
_PEM_SEP = r"(?:(?:[ \t]*+(?:\r?\n|\\r\\n|\\n)){1,2}+[ \t]*+|[ \t]++)"
_PEM_HEADER = r"(?:Proc-Type|DEK-Info|Version|Comment|Hash|Charset):[^\n\\]*+"
_PEM_BEGIN = r"-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----"
_PEM_BODY = rf"(?:{_PEM_SEP}{_PEM_HEADER})*+(?:{_PEM_SEP}{_PEM_KEY})++"
_PEM_END = re.compile(r"-----END (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----")
_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def _is_key_word(word: str) -> bool:
    if word.startswith("=") and len(word) == 5 and "=" not in word[1:]:
        return True
    return len(word) >= 40 or len(word) >= 8 and any(c in "0123456789+/=" for c in word)


def _key_lines_before(text: str, end: int) -> int:
    """Where the key material right before ``end`` (an END line) starts, walking back
    over base64 words and the line breaks between them (at most one blank line); ``end``
    itself when there is none."""
    start = i = end
    while True:
        j, breaks = i, 0
        while j > 0 and text[j - 1] in " \t\r\n" and breaks <= 2:
            breaks += text[j - 1] == "\n"
            j -= 1
        if breaks > 2 or j == i and i != end:
            return start
        k = j
        while k > 0 and text[k - 1] in _B64_CHARS:
            k -= 1
        if k == j or not _is_key_word(text[k:j]) or (k > 0 and text[k - 1] not in " \t\r\n"):
            return start
        start = i = k


def _orphan_pem_ends(text: str) -> tuple[str, int]:
    """An END line without its BEGIN (a paste that starts mid-key): the key lines right
    above it become the marker, nothing before them."""
    count, pieces, last = 0, [], 0
    for match in _PEM_END.finditer(text):
        start = _key_lines_before(text, match.start())
        if start < match.start() and start >= last:
            trailing = text[start:match.start()]
            pieces += [text[last:start], MARKER, trailing[len(trailing.rstrip(" \t\r\n")):] or "\n"]
            last, count = match.start(), count + 1
    return "".join(pieces) + text[last:], count


def _pem(match: re.Match[str]) -> str:
    label = match.group("label")
    return f"-----BEGIN {label}-----\n{MARKER}\n-----END {label}-----"


def _pem_cut(match: re.Match[str]) -> str:
    return f"-----BEGIN {match.group('label')}-----\n{MARKER}"


_FLAG_NOT_VALUED = r"(?!(?:no|ask|prompt|show|reset|change|forgot|skip|with|without|use|read)-)"
_MYSQL_TOOLS = (
    r"mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mysqlbinlog|mysqlpump|mysqlsh"
    r"|mariadb|mariadb-dump|mariadb-admin"
)
_ORACLE_TOOLS = r"sqlplus|rman|exp|imp|expdp|impdp|sqlldr|dgmgrl|conn|connect"

_RULES: list[_Rule] = [
    # PEM private keys (RSA, EC, OPENSSH, ENCRYPTED, PGP ... BLOCK): the whole body, when
    # it is key material only (base64 lines and the armour headers) up to its END line.
    (re.compile(_PEM_BEGIN + _PEM_BODY + _PEM_SEP + r"-----END (?P=label)-----"), _pem),
    # ... and a block cut off before its END line (a truncated paste or log): the key lines
    # after BEGIN, not the ordinary lines after them (an END further down is another's).
    (re.compile(_PEM_BEGIN + _PEM_BODY), _pem_cut),
    # scheme://user:password@host (postgresql, mysql, mongodb+srv, redis, amqp, https, jdbc:...)
    (re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:(?P<v>[^\s/]+)@(?=[^\s/@]+)"), _whole),
    # Go MySQL DSN: user:password@tcp(host:3306)/db
    (re.compile(r"(?<![\w/:])[\w.\-]+:(?P<v>[^\s@/:]+)@(?=(?:tcp|udp|unix)\()"), _whole),
    # Authorization: Bearer xxx / Basic xxx / Digest ... (the scheme stays readable)
    (re.compile(r"(?i:\b(?:proxy-)?authorization)[\"']?" + _SP + r"[:=：]" + _SP + r"[\"']?"
                r"(?:(?i:bearer|basic|token|negotiate|ntlm|apikey|sso-key)[ \t]+(?P<v>[^\s\"',]+)"
                r"|(?i:digest|aws4-hmac-sha256|sharedkey|hmac)[ \t]+(?P<v2>[^\n\"']+)"
                r"|(?P<v3>[^\s\"',]+))"), lambda m: _any_group(m, ("v", "v2", "v3"))),
    # A bare bearer token anywhere (logs, curl lines).
    (re.compile(r"\b(?i:bearer)[ \t]+(?P<v>[A-Za-z0-9\-._~+/]{16,}=*)"), _whole),
    # curl -u user:password / --user user:password
    (re.compile(r"(?<!\S)(?:-u|--user|--proxy-user)(?:[ \t]+|=)['\"]?[^\s:'\"]+:(?P<v>[^\s'\"]+)"), _whole),
    # mysql -pSecret / -p'my secret' (only on a mysql-family command line: -p is a port elsewhere)
    (re.compile(rf"\b(?:{_MYSQL_TOOLS})(?:\.exe)?\b[^\n]*?[ \t]-p(?P<v>{_SQ}|{_DQ}|[^\s'\"]+)"), _whole),
    # sshpass -p secret, redis-cli -a secret
    (re.compile(rf"\bsshpass\b[^\n]*?[ \t]-p[ \t]*(?P<v>{_SQ}|{_DQ}|[^\s'\"]+)"), _whole),
    (re.compile(rf"\bredis-cli\b[^\n]*?[ \t]-a[ \t]+(?P<v>{_SQ}|{_DQ}|[^\s'\"]+)"), _whole),
    # sqlplus scott/tiger@orcl, conn system/manager as sysdba
    (re.compile(rf"\b(?i:{_ORACLE_TOOLS})[ \t]+(?:-\w+[ \t]+)*[\w$#]+/(?P<v>{_DQ}|[^\s@/\"]+)"), _checked),
    # Windows: net user admin P@ssw0rd /add
    (re.compile(r"\b(?i:net)[ \t]+(?i:user)[ \t]+[^\s/]+[ \t]+(?P<v>(?!/)[^\s]+)"), _checked),
    # SQL: CREATE USER x IDENTIFIED BY 'pw' / IDENTIFIED BY VALUES 'hash'
    (re.compile(rf"\b(?i:identified[ \t]+by(?:[ \t]+values)?)[ \t]+(?P<v>{_SQ}|{_DQ}|[^\s;'\"]+)"), _whole),
    # openssl -passin pass:secret
    (re.compile(r"(?<![\w-])-pass(?:in|out)?[ \t]+pass:(?P<v>\S+)"), _whole),
    # --password xxx, --password=xxx, --db-password=xxx, -storepass xxx, -Password 'x' (PowerShell)
    (re.compile(rf"(?<![\w-])--?{_FLAG_NOT_VALUED}(?P<key>(?:[A-Za-z0-9]+-)*(?i:{_KEYWORDS}))"
                rf"(?P<sep>=|[ \t]+)(?P<v>{_DQ}|{_SQ}|[^\s'\"]+)"), _cli_value),
    # <password>secret</password>
    (re.compile(rf"<(?P<key>{_KEY})>(?P<v>[^<\n]+)</(?P=key)>"), _checked),
    # password=x, password: x, "password": "x", 'password' => 'x', DB_PASSWORD := x
    (re.compile(rf"{_KEY_START}(?P<kq>[\"']?)(?P<key>{_KEY})(?P=kq){_SP}(?:=>|:=|[:=：])(?!=){_SP}"
                rf"(?P<v>{_VALUE})"), _checked),
    # password "x" / WITH PASSWORD 'x' (quoted value, no separator)
    (re.compile(rf"{_KEY_START}(?P<key>{_KEY})[ \t]+(?P<v>{_DQ}|{_SQ})"), _checked),
    # 密码：x / 密码=x / 初始密码为 Abc@123 / 口令是 x
    (re.compile(rf"(?P<key>{_ZH_KEY}){_SP}(?:[:=：]|为|是){_SP}(?P<v>{_VALUE})"), _checked),
    # Cisco: username x password 7 0822455D0A16 / enable secret 5 $1$mERr$...
    (re.compile(r"\b(?i:password|secret)[ \t]+(?:[0-9][ \t]+(?P<v>[0-9A-Fa-f]{8,}|\$\S+)"
                r"|0[ \t]+(?P<v2>\S+))"), lambda m: _any_group(m, ("v", "v2"))),
    # redis.conf: requirepass foobared / masterauth x
    (re.compile(r"^[ \t]*(?:requirepass|masterauth)[ \t]+(?P<v>\S+)", re.MULTILINE), _checked),
    # PGPASSWORD=x, MYSQLPASSWORD=x, REDISCLI_AUTH=x: environment names without a separator
    (re.compile(rf"(?<![A-Za-z0-9_])(?P<key>[A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|_AUTH))="
                rf"(?P<v>{_VALUE})"), _checked),
    # jdbc:oracle:thin:scott/tiger@host, userid=scott/tiger, rman target sys/pw@prod
    (re.compile(r"\bjdbc:oracle:[a-z0-9]+:@?[\w$#]+/(?P<v>[^\s@/\"']+)@"), _whole),
    (re.compile(r"\b(?i:userid)=['\"]?[\w$#]+/(?P<v>[^\s@/\"']+)"), _whole),
    (re.compile(r"\b(?i:rman)\b[^\n]*?\b(?i:target|auxiliary|catalog)[ \t]+[\w$#]+/(?P<v>[^\s@/\"']+)"), _whole),
    # "password is X", "the password for admin: X", "口令 X", "账号 admin 密码 X": no key=value,
    # so only a value that looks like a password (a digit or a symbol in it) is taken.
    (re.compile(rf"\b(?i:password|passwd|passphrase)(?:[ \t]+(?i:for)[ \t]+[\w.@\-]+)?[ \t]*"
                rf"(?:[:：]|[ \t](?i:is|was)[ \t])"
                rf"{_SP}(?P<v>{_SQ}|{_DQ}|(?=[^\s]*[\d@#$%^&*!~?+])[^\s'\"，。,;]{{4,}})"), _checked),
    (re.compile(rf"(?P<key>{_ZH_KEY})(?:[（(][^）)\n]{{0,12}}[）)])?{_SP}(?:[:=：]|为|是)?{_SP}"
                rf"(?P<v>(?=[^\s{_CJK}]*[\d@#$%^&*!~?+])[^\s'\"{_CJK}]{{4,}})"), _checked),
    # Redis: AUTH pw / AUTH user pw typed at the prompt (or a line of its own)
    (re.compile(r"(?:^|>)[ \t]*(?i:auth)[ \t]+(?:[\w\-]+[ \t]+)?(?P<v>[^\s]+)[ \t]*$", re.MULTILINE), _checked),
    # docker / podman / helm / nerdctl login -p pw
    (re.compile(rf"\b(?:docker|podman|nerdctl|buildah|helm[ \t]+registry)\b[^\n]*?\blogin\b[^\n]*?[ \t]-p[ \t]*"
                rf"(?P<v>{_SQ}|{_DQ}|[^\s'\"]+)"), _whole),
    # echo pw | docker login --password-stdin / passwd --stdin / chpasswd
    (re.compile(rf"\becho[ \t]+(?:-[ne]+[ \t]+)*(?P<v>{_SQ}|{_DQ}|[^\s'\"|]+)[ \t]*\|[ \t]*(?:sudo[ \t]+)?"
                r"(?:\w+\b[^\n|]*--password-stdin|passwd\b[^\n|]*--stdin|chpasswd\b)"), _whole),
    # htpasswd -b [file] user password (-n: no file)
    (re.compile(rf"\bhtpasswd[ \t]+-(?P<flags>\w*b\w*)[ \t]+(?:-\w+[ \t]+)*"
                rf"(?P<args>(?:(?:{_SQ}|{_DQ}|[^\s'\"]+)[ \t]+){{1,2}})"
                rf"(?P<v>{_SQ}|{_DQ}|[^\s'\"]+)"), lambda m: _htpasswd(m)),
    # ldapsearch / ldapadd / ldapmodify ... -w pw; ldappasswd -s newpw
    (re.compile(rf"\bldap\w*\b[^\n]*?[ \t]-w[ \t]*(?P<v>{_SQ}|{_DQ}|[^\s'\"]+)"), _whole),
    (re.compile(rf"\bldappasswd\b[^\n]*?[ \t]-s[ \t]*(?P<v>{_SQ}|{_DQ}|[^\s'\"]+)"), _whole),
    # smbclient -U user%password, mount.cifs user=ops%pw
    (re.compile(r"(?:(?<!\S)(?:-U|--user(?:name)?)[ \t=]+|\buser(?:name)?=)['\"]?[^\s%'\",]+%"
                r"(?P<v>[^\s'\",]+)"), _whole),
    # A key, then a space, then a long hex/base64 string: "X-Auth-Token 6f1e...", "密钥 6f1e..."
    (re.compile(rf"(?:{_KEY_START}{_KEY}|{_ZH_KEY}){_SP}(?P<v>[A-Za-z0-9+/_\-]{{20,}}={{0,2}})(?![\w+/=-])"),
     _long_token),
]

# Known token formats, whatever surrounds them: no key needed.
_TOKENS = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}"  # AWS access key id
    r"|LTAI[A-Za-z0-9]{12,28}"  # Alibaba Cloud AccessKey ID
    r"|AKID[A-Za-z0-9]{13,40}"  # Tencent Cloud SecretId
    r"|gh[pousr]_[A-Za-z0-9]{36,255}"  # GitHub tokens
    r"|github_pat_[A-Za-z0-9_]{22,255}"
    r"|glpat-[A-Za-z0-9_\-]{20,}"  # GitLab
    r"|xox[abposre]-[A-Za-z0-9-]{10,}"  # Slack
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"  # JWT
    r"|AIza[0-9A-Za-z_\-]{35}"  # Google API key
    r"|(?:sk|rk)_live_[0-9A-Za-z]{20,}"  # Stripe
    r"|sk-(?:proj-|ant-)?[A-Za-z0-9_\-]{32,}"  # OpenAI / Anthropic style API keys
    r")(?![A-Za-z0-9])"
)
_COOKIE_LINE = re.compile(r"(?im)^(?P<head>[ \t\"'>-]*(?:set-)?cookie[\"']?[ \t]*[:：=][ \t]*)(?P<rest>[^\n]*)")
_COOKIE_PAIR = re.compile(r"(?P<name>[^\s=;,]+)=(?P<v>[^;\s,\"']*)")
_COOKIE_ATTRS = {"path", "domain", "expires", "max-age", "samesite", "version", "comment", "priority"}


def _cookie(match: re.Match[str]) -> str | None:
    """``Cookie: a=1; b=2`` / ``Set-Cookie: SESSION=x; Path=/``: every value but the attributes."""

    def pair(m: re.Match[str]) -> str:
        if m.group("name").lower() in _COOKIE_ATTRS or not m.group("v") or _masked(m.group("v")):
            return m.group(0)
        return f"{m.group('name')}={MARKER}"

    rest = _COOKIE_PAIR.sub(pair, match.group("rest"))
    return None if rest == match.group("rest") else match.group("head") + rest


def _htpasswd(match: re.Match[str]) -> str | None:
    """``htpasswd -b file user pw`` has two words before the password, ``-nb user pw`` one."""
    words = match.group("args").split()
    if len(words) != (1 if "n" in match.group("flags") else 2):
        return None
    return _whole(match)


_SLACK_HOOK = re.compile(r"(?P<keep>hooks\.slack\.com/services/)(?P<v>[A-Za-z0-9/]+)")


def _any_group(match: re.Match[str], names: tuple[str, ...]) -> str | None:
    """Replace whichever of the alternative value groups matched."""
    for name in names:
        value = match.group(name)
        if value is None:
            continue
        if _masked(value):
            return None
        start, end = match.span(name)
        text, offset = match.group(0), match.start()
        return text[: start - offset] + _hide(value) + text[end - offset :]
    return None


def redact_count(text: str) -> tuple[str, int]:
    """Return ``text`` with every secret replaced by :data:`MARKER`, and how many there were."""
    count = 0

    def apply(pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str | None], text: str) -> str:
        def one(match: re.Match[str]) -> str:
            nonlocal count
            result = replace(match)
            if result is None:
                return match.group(0)
            count += 1
            return result

        return pattern.sub(one, text)

    for pattern, replace in _RULES:
        text = apply(pattern, replace, text)
    if "-----END " in text:
        text, orphans = _orphan_pem_ends(text)
        count += orphans
    text = apply(_COOKIE_LINE, _cookie, text)
    text = apply(_TOKENS, lambda m: MARKER, text)
    text = apply(_SLACK_HOOK, _whole, text)
    return text, count


def redact(text: str) -> str:
    """Return ``text`` with passwords, tokens, keys and credentials replaced by :data:`MARKER`."""
    return redact_count(text)[0]


def has_secrets(text: str) -> bool:
    """True if :func:`redact` would change something: lets an export warn before it writes."""
    return redact_count(text)[1] > 0


_KEY_ONLY = re.compile(rf"(?:{_KEY}|{_ZH_KEY}|.*(?:{_ZH_KEY}).*)")


def redact_value(value: object, key: str = "") -> object:
    """Every string inside a JSON-like value redacted; a string under a secret-looking key
    (``{"password": "x"}``, ``{"密码": "x"}``) hidden whole."""
    if isinstance(value, str):
        if key and _KEY_ONLY.fullmatch(key) and not _keep_value(value, ""):
            return _hide(value)
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(v) for v in value)
    return value
