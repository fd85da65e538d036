"""Redaction: secrets never leave in an export, ordinary ops text stays readable."""

from __future__ import annotations

import pytest

from kbapp.redact import MARKER, has_secrets, redact, redact_count

R = MARKER

# (input, expected output): the key, flag or scheme stays, only the secret goes.
POSITIVES = [
    # key=value / key: value / key "value", English keys
    ("password=hunter2", f"password={R}"),
    ("PASSWORD = hunter2", f"PASSWORD = {R}"),
    ("passwd: hunter2", f"passwd: {R}"),
    ("pwd=hunter2", f"pwd={R}"),
    ("pass: hunter2", f"pass: {R}"),
    ("secret=abc123", f"secret={R}"),
    ("token: abc123", f"token: {R}"),
    ("api_key=abc123", f"api_key={R}"),
    ("apikey=abc123", f"apikey={R}"),
    ("api-key: abc123", f"api-key: {R}"),
    ("access_key=abc123", f"access_key={R}"),
    ("secret_key = 'abc'", f"secret_key = '{R}'"),
    ("client_secret=xyz; other=1", f"client_secret={R}; other=1"),
    ("auth=abc123", f"auth={R}"),
    ("credential: abc123", f"credential: {R}"),
    ("credentials=abc123", f"credentials={R}"),
    ('db_password: "s3cr3t"', f'db_password: "{R}"'),
    ('"password": "abc", "user": "x"', f'"password": "{R}", "user": "x"'),
    ("'password' => 'abc'", f"'password' => '{R}'"),
    ('password "abc"', f'password "{R}"'),
    ("spring.datasource.password=abc", f"spring.datasource.password={R}"),
    ("export MYSQL_PWD=abc", f"export MYSQL_PWD={R}"),
    ("docker run -e MYSQL_ROOT_PASSWORD=abc mysql:8", f"docker run -e MYSQL_ROOT_PASSWORD={R} mysql:8"),
    ("X-API-Key: 1234abcd", f"X-API-Key: {R}"),
    ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", f"AWS_SECRET_ACCESS_KEY={R}"),
    ("dbPassword=abc accessToken: xyz123", f"dbPassword={R} accessToken: {R}"),
    ("password=a,b,c", f"password={R}"),
    ("password=abc, user=root", f"password={R}, user=root"),
    ("<password>abc</password>", f"<password>{R}</password>"),
    ("ALTER ROLE app WITH PASSWORD 'abc';", f"ALTER ROLE app WITH PASSWORD '{R}';"),
    ('ALTER USER app IDENTIFIED BY "N3w!pass";', f'ALTER USER app IDENTIFIED BY "{R}";'),
    # Chinese keys, full-width and half-width colons, 为/是
    ("密码：Abc@123", f"密码：{R}"),
    ("密码:Abc@123", f"密码:{R}"),
    ("口令：Abc@123", f"口令：{R}"),
    ("密钥：0123abcd", f"密钥：{R}"),
    ("秘钥=0123abcd", f"秘钥={R}"),
    ("令牌：abc123", f"令牌：{R}"),
    ("数据库密码：Abc@123，请妥善保管", f"数据库密码：{R}，请妥善保管"),
    ("初始密码为 Abc@123", f"初始密码为 {R}"),
    ("默认口令是admin123", f"默认口令是{R}"),
    ("数据库password=abc123", f"数据库password={R}"),
    ("令牌 a1b2c3d4e5f6a7b8c9d0e1f2", f"令牌 {R}"),
    # command lines
    ("mysql -uroot -pS3cret -h 10.0.0.1", f"mysql -uroot -p{R} -h 10.0.0.1"),
    ("mysql -u root -p'my pass' db", f"mysql -u root -p'{R}' db"),
    ('mysql -h 10.0.0.1 -P 3306 -uapp -p"pa ss" -e \'select 1\'', f'mysql -h 10.0.0.1 -P 3306 -uapp -p"{R}" -e \'select 1\''),
    ("mysqldump --password=abc db", f"mysqldump --password={R} db"),
    ("app --password xyz", f"app --password {R}"),
    ("app --db-password=xyz --token abc", f"app --db-password={R} --token {R}"),
    ("keytool -import -storepass changeit -keypass changeit", f"keytool -import -storepass {R} -keypass {R}"),
    ("redis-cli -h 10.0.0.1 -a foobared ping", f"redis-cli -h 10.0.0.1 -a {R} ping"),
    ("sshpass -p 'pw' ssh host", f"sshpass -p '{R}' ssh host"),
    ("sqlplus scott/tiger@orcl", f"sqlplus scott/{R}@orcl"),
    ("curl -u admin:secret https://x", f"curl -u admin:{R} https://x"),
    ("openssl rsa -passin pass:secret -in k.pem", f"openssl rsa -passin pass:{R} -in k.pem"),
    ("net user admin P@ssw0rd /add", f"net user admin {R} /add"),
    ("requirepass foobared", f"requirepass {R}"),
    ("username admin password 7 0822455D0A16", f"username admin password 7 {R}"),
    ("enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", f"enable secret 5 {R}"),
    # HTTP authorization
    ("Authorization: Bearer abc.def.ghi", f"Authorization: Bearer {R}"),
    ('curl -H "Authorization: Basic dXNlcjpwYXNz" https://x', f'curl -H "Authorization: Basic {R}" https://x'),
    ("GET /api Bearer 0123456789abcdefABCDEF", f"GET /api Bearer {R}"),
    # URLs and connection strings
    ("postgresql://u:p@h/db", f"postgresql://u:{R}@h/db"),
    ("mongodb+srv://admin:p@ss@cluster0.example.net/test", f"mongodb+srv://admin:{R}@cluster0.example.net/test"),
    ("redis://:foobared@10.0.0.1:6379/0", f"redis://:{R}@10.0.0.1:6379/0"),
    ("jdbc:sqlserver://h:1433;user=sa;password=Pa55;encrypt=true", f"jdbc:sqlserver://h:1433;user=sa;password={R};encrypt=true"),
    ("jdbc:mysql://h/db?user=root&password=secret&ssl=true", f"jdbc:mysql://h/db?user=root&password={R}&ssl=true"),
    ("Server=db;User Id=sa;Password=Pa55w0rd;", f"Server=db;User Id=sa;Password={R};"),
    ("root:pw@tcp(10.0.0.1:3306)/app", f"root:{R}@tcp(10.0.0.1:3306)/app"),
    # known token formats, no key needed
    ("AKIAIOSFODNN7EXAMPLE", R),
    ("key id AKIAIOSFODNN7EXAMPLE in use", f"key id {R} in use"),
    ("token ghp_0123456789abcdefghijABCDEFGHIJ012345", f"token {R}"),
    ("用 ghp_0123456789abcdefghijABCDEFGHIJ012345 推送", f"用 {R} 推送"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcDEF123_-x", R),
    ("xoxb-123456789012-abcdefABCDEF", R),
    ("glpat-abcdefghij0123456789", R),
    # a long hex/base64 string after a secret-ish key, space-separated
    ("X-Auth-Token 6f1ed002ab5595859014ebf0951522d9", f"X-Auth-Token {R}"),
]

# Ordinary ops text: nothing to redact.
NEGATIVES = [
    "ORA-01555 snapshot too old; HTTP 500 on 10.0.0.1:8080",
    "tail -f /var/log/messages /var/log/secure",
    "password reset procedure",
    "Follow the password reset procedure, then restart the service.",
    "修改密码后重启服务",
    "密码已过期，请联系管理员重置",
    "口令：",
    "密码为空时无法登录",
    "密码为 8 位以上，包含大小写字母",
    "密码：8 位以上",
    "Failed password for root from 10.0.0.1 port 22 ssh2",
    "sshd[123]: pam_unix(sshd:auth): authentication failure; logname= uid=0 rhost=10.0.0.1 user=root",
    "The token expired at 10:00, see ORA-28001 (password expired)",
    "http://10.0.0.1:8080/api/v1/users/reset-password?id=3",
    "https://kb.example.com:8443/docs/a@b",
    "ssh://git@gitlab.example.com:22/ops/repo.git",
    "Password policy: min 12 chars",
    "password: 12 characters",
    "password: ******",
    "password=[REDACTED]",
    "auth: none",
    "password_min_length=8 token_expiry=3600 auth_type=ldap",
    "bypass=1 passive=true compass: north",
    "PASS_MAX_DAYS 99999",
    "PWD=/home/ops",
    "mysql -u root -p -P3306",
    "ssh -p 2222 host; mkdir -p /tmp/x; docker run -p 8080:80 nginx",
    "use the --password option to be prompted",
    "使用 --password 参数",
    "--password-file /etc/pw --no-password host",
    "sqlplus / as sysdba",
    "net user admin /active:yes",
    "-----BEGIN CERTIFICATE-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END CERTIFICATE-----",
    '"secret": {"name": "db-credentials"}',
    "secretName: db-credentials",
    "passwordless: true",
    "commit 3f2a9c0e1d2b3a4f5e6d7c8b9a0f1e2d3c4b5a69",
    "C:\\Program Files\\App\\app.exe --port 8080",
    "检查 10.0.0.1 的 /etc/hosts，确认 HTTP 503 是否恢复",
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_secret_is_redacted_and_key_kept(text, expected):
    assert redact(text) == expected
    assert has_secrets(text)


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_ops_text_is_untouched(text):
    assert redact_count(text) == (text, 0)
    assert not has_secrets(text)


def test_pem_private_key_block():
    key = (
        "key file:\n-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
        "QyNTUxOQAAACBWUuqgh8OcnNzYXp1bmtub3duIGtleSBmb3IgdGVzdHM=\n"
        "-----END OPENSSH PRIVATE KEY-----\nthen chmod 600"
    )
    out, count = redact_count(key)
    assert count == 1
    assert out == (
        f"key file:\n-----BEGIN OPENSSH PRIVATE KEY-----\n{R}\n"
        "-----END OPENSSH PRIVATE KEY-----\nthen chmod 600"
    )


@pytest.mark.parametrize("label", ["RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY"])
def test_pem_labels(label):
    text = f"-----BEGIN {label}-----\nMIIEpAIBAAKCAQEA1234567890abcdef\nabcdefABCDEF09876==\n-----END {label}-----"
    assert redact(text) == f"-----BEGIN {label}-----\n{R}\n-----END {label}-----"


def test_truncated_pem_block_is_still_redacted():
    text = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234567890abcdef\nabcdefABCDEF0987"
    out = redact(text)
    assert "MIIEp" not in out and "abcdefABCDEF" not in out
    assert out.startswith("-----BEGIN RSA PRIVATE KEY-----")


def test_mixed_chinese_english_note_counts_every_secret():
    note = (
        "故障处理记录：登录 https://admin:Adm1n@10.0.0.5:8443/console 后，在“系统设置”里修改密码。\n"
        "用户名/密码：admin/Admin@123；令牌：ghp_0123456789abcdefghijABCDEFGHIJ012345\n"
        "执行 mysql -uroot -pS3cret -h 10.0.0.7 -e 'show slave status\\G' 检查 ORA-01555 之外的错误。\n"
        "export DB_PASSWORD=\"x y z\" && curl -H 'Authorization: Bearer abc.def.ghi' http://10.0.0.9/health\n"
        "修改密码后重启服务，HTTP 500 消失。"
    )
    out, count = redact_count(note)
    assert count == 6
    for secret in ("Adm1n", "Admin@123", "ghp_0123", "S3cret", "x y z", "abc.def.ghi"):
        assert secret not in out
    for kept in ("10.0.0.5:8443/console", "用户名/密码：", "令牌：", "-h 10.0.0.7", "ORA-01555",
                 "DB_PASSWORD=", "Authorization: Bearer", "修改密码后重启服务，HTTP 500 消失。"):
        assert kept in out


def test_redaction_is_idempotent():
    text = "\n".join(t for t, _ in POSITIVES)
    once, count = redact_count(text)
    assert count >= len(POSITIVES)
    assert redact_count(once) == (once, 0)


def test_large_log_is_redacted_whole():
    # (A catastrophic regex would hang here; its speed is not timed in a test: timings
    # fail on a loaded machine.)
    line = "2024-05-01 10:00:00 app[42]: Failed password for root from 10.0.0.1 port 22 ssh2 ORA-01555\n"
    text = line * 5000 + "password=hunter2\n" + "A" * 50_000
    out, count = redact_count(text)
    assert count == 1 and "hunter2" not in out and out.endswith("A" * 50_000)


KEY_LINES = ("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
             "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n")


def test_a_key_cut_off_before_its_end_removes_only_the_key_lines_not_the_notes_after():
    """Issue 20: a truncated BEGIN with an END some lines later took every line between."""
    text = ("配置备份：\n-----BEGIN PRIVATE KEY-----\n" + KEY_LINES +
            "Then restart nginx and check the error log.\n"
            "重启后检查 ORA-01555 是否消失。\n"
            "-----END PRIVATE KEY-----\n完成")
    out, count = redact_count(text)
    assert out == ("配置备份：\n-----BEGIN PRIVATE KEY-----\n" + R + "\n"
                   "Then restart nginx and check the error log.\n"
                   "重启后检查 ORA-01555 是否消失。\n"
                   "-----END PRIVATE KEY-----\n完成")
    assert count == 1


def test_an_end_without_its_begin_removes_only_the_key_lines_right_above_it():
    text = ("Pasted from the middle of the file:\n" + KEY_LINES + "=AbCd\n"
            "-----END RSA PRIVATE KEY-----\nthen chmod 600 the file")
    out, count = redact_count(text)
    assert out == ("Pasted from the middle of the file:\n" + R + "\n"
                   "-----END RSA PRIVATE KEY-----\nthen chmod 600 the file")
    assert count == 1
    # Ordinary lines right above an END are not key material: nothing removed.
    prose = "we lost the key\nsee ticket 4711 for details\n-----END RSA PRIVATE KEY-----\n"
    assert redact_count(prose) == (prose, 0)


def test_a_begin_followed_by_prose_keeps_the_prose():
    text = "-----BEGIN OPENSSH PRIVATE KEY-----\nthe rest was cut off by the mail client\n"
    assert redact_count(text) == (text, 0)


def test_two_blocks_one_cut_off_each_keep_the_lines_between():
    text = ("-----BEGIN EC PRIVATE KEY-----\n" + KEY_LINES + "next key:\n"
            "-----BEGIN EC PRIVATE KEY-----\n" + KEY_LINES + "-----END EC PRIVATE KEY-----\nend")
    assert redact(text) == ("-----BEGIN EC PRIVATE KEY-----\n" + R + "\nnext key:\n"
                            "-----BEGIN EC PRIVATE KEY-----\n" + R + "\n-----END EC PRIVATE KEY-----\nend")


def test_keys_escaped_in_json_or_flattened_onto_one_line_are_still_whole_blocks():
    flat = "key=-----BEGIN RSA PRIVATE KEY----- MIIEpAIBAAKCAQEA1234567890abcdef abcdef+ABCDEF09876== -----END RSA PRIVATE KEY----- ok"
    assert redact(flat) == f"key=-----BEGIN RSA PRIVATE KEY-----\n{R}\n-----END RSA PRIVATE KEY----- ok"
    escaped = '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0B\\nAQEFAASC==\\n-----END PRIVATE KEY-----\\n"}'
    out = redact(escaped)
    assert "MIIEvQ" not in out and "AQEFAASC" not in out and out.endswith('-----END PRIVATE KEY-----\\n"}')


def test_pgp_armour_headers_and_checksum_are_key_material():
    text = ("-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n" + KEY_LINES + "=AbCd\n"
            "-----END PGP PRIVATE KEY BLOCK-----")
    assert redact(text) == f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n{R}\n-----END PGP PRIVATE KEY BLOCK-----"


def test_key_redaction_is_linear_on_a_hostile_text():
    """No backtracking blow-up: a BEGIN then 200,000 base64 words and no END, and 10,000 ENDs."""
    text = "-----BEGIN RSA PRIVATE KEY-----\n" + "abc123DEF " * 200_000 + "\n-----END RSA PRIVATE KEY-----\n" * 10_000
    out = redact(text)
    assert "abc123DEF" not in out
