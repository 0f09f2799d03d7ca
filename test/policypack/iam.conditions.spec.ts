import * as assert from "assert";
import { ContextValue, evaluateClause, parsePolicyDocument } from "../../policypack/iam";

/** Evaluates a one-operator condition block against a context (keys any case). */
function holds(
    op: string,
    key: string,
    values: unknown,
    context: Record<string, ContextValue>,
    version = "2012-10-17",
): boolean {
    const doc = parsePolicyDocument({
        Version: version,
        Statement: { Effect: "Allow", Action: "*", Condition: { [op]: { [key]: values } } },
    });
    const ctx = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
    return doc.statements[0].conditions.every((c) => evaluateClause(c, ctx, doc.variables));
}

const MFA = "aws:MultiFactorAuthPresent";

describe("iam model: condition operators", () => {
    describe("absent keys", () => {
        const table: Array<[string, unknown, boolean]> = [
            ["Bool", "true", false],
            ["BoolIfExists", "true", true],
            ["BoolIfExists", "false", true],
            ["StringEquals", "x", false],
            ["StringNotEquals", "x", true],
            ["StringNotLike", "x*", true],
            ["StringEqualsIfExists", "x", true],
            ["ArnNotLike", "arn:aws:iam::*:root", true],
            ["NotIpAddress", "10.0.0.0/8", true],
            ["NumericLessThan", "3600", false],
            ["NumericLessThanIfExists", "3600", true],
            ["ForAllValues:StringEquals", "x", true],
            ["ForAllValues:Bool", "true", true],
            ["ForAnyValue:StringEquals", "x", false],
            ["ForAnyValue:StringNotEquals", "x", false],
            ["Null", "true", true],
            ["Null", "false", false],
        ];
        for (const [op, value, expected] of table) {
            it(`${op} ${JSON.stringify(value)} is ${expected} when the key is absent`, () => {
                assert.strictEqual(holds(op, MFA, value, {}), expected);
            });
        }
    });

    it('Null "false" holds for MultiFactorAuthPresent = "false" (it only tests presence)', () => {
        assert.strictEqual(holds("Null", MFA, "false", { [MFA]: "false" }), true);
    });

    it("Bool compares case-insensitively and inverted values invert", () => {
        assert.strictEqual(holds("Bool", MFA, "True", { [MFA]: "true" }), true);
        assert.strictEqual(holds("Bool", MFA, "false", { [MFA]: "false" }), true);
        assert.strictEqual(holds("Bool", MFA, "false", { [MFA]: "true" }), false);
    });

    it("condition keys are case-insensitive", () => {
        assert.strictEqual(
            holds("Bool", "AWS:multifactorAUTHpresent", "true", { [MFA]: "true" }),
            true,
        );
    });

    it("ORs values, NORs values of negated operators", () => {
        assert.strictEqual(
            holds("StringEquals", "aws:PrincipalOrgID", ["o-a", "o-b"], {
                "aws:PrincipalOrgID": "o-b",
            }),
            true,
        );
        assert.strictEqual(
            holds("StringNotEquals", "aws:PrincipalOrgID", ["o-a", "o-b"], {
                "aws:PrincipalOrgID": "o-b",
            }),
            false,
        );
        assert.strictEqual(
            holds("StringNotEquals", "aws:PrincipalOrgID", ["o-a", "o-b"], {
                "aws:PrincipalOrgID": "o-c",
            }),
            true,
        );
    });

    it("string operators: case, wildcards", () => {
        assert.strictEqual(holds("StringEquals", "k", "Abc", { k: "abc" }), false);
        assert.strictEqual(holds("StringEqualsIgnoreCase", "k", "Abc", { k: "abc" }), true);
        assert.strictEqual(
            holds("StringEquals", "k", "a*", { k: "abc" }),
            false,
            "StringEquals has no wildcards",
        );
        assert.strictEqual(holds("StringLike", "k", "a*", { k: "abc" }), true);
        assert.strictEqual(holds("StringLike", "k", "a?c", { k: "abc" }), true);
        assert.strictEqual(holds("StringLike", "k", "a?c", { k: "abbc" }), false);
        assert.strictEqual(
            holds("StringLike", "k", "A*", { k: "abc" }),
            false,
            "StringLike is case-sensitive",
        );
    });

    it("multivalued keys: ForAllValues and ForAnyValue", () => {
        assert.strictEqual(
            holds("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"], {
                "aws:TagKeys": ["a", "b"],
            }),
            true,
        );
        assert.strictEqual(
            holds("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"], {
                "aws:TagKeys": ["a", "c"],
            }),
            false,
        );
        assert.strictEqual(
            holds("ForAnyValue:StringEquals", "aws:TagKeys", ["a"], { "aws:TagKeys": ["c", "a"] }),
            true,
        );
        assert.strictEqual(
            holds("ForAllValues:StringEquals", "aws:TagKeys", ["a"], { "aws:TagKeys": [] }),
            true,
        );
        assert.strictEqual(
            holds("ForAnyValue:StringNotEquals", "aws:TagKeys", ["a"], {
                "aws:TagKeys": ["a", "z"],
            }),
            true,
        );
        assert.strictEqual(
            holds("ForAllValues:StringNotEquals", "aws:TagKeys", ["a"], {
                "aws:TagKeys": ["a", "z"],
            }),
            false,
        );
    });

    it("numeric and date comparisons", () => {
        assert.strictEqual(
            holds("NumericLessThan", "aws:MultiFactorAuthAge", "3600", {
                "aws:MultiFactorAuthAge": "3599",
            }),
            true,
        );
        assert.strictEqual(
            holds("NumericLessThan", "aws:MultiFactorAuthAge", "3600", {
                "aws:MultiFactorAuthAge": "3600",
            }),
            false,
        );
        assert.strictEqual(
            holds("NumericLessThanEquals", "aws:MultiFactorAuthAge", "3600", {
                "aws:MultiFactorAuthAge": "3600",
            }),
            true,
        );
        assert.strictEqual(holds("NumericGreaterThan", "n", "1.5", { n: "2" }), true);
        assert.strictEqual(holds("NumericEquals", "n", "abc", { n: "2" }), false);
        assert.strictEqual(
            holds("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", {
                "aws:CurrentTime": "2029-12-31T23:59:59Z",
            }),
            true,
        );
        assert.strictEqual(
            holds("DateGreaterThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", {
                "aws:CurrentTime": "1893456001",
            }),
            true,
            "epoch seconds",
        );
    });

    it("IP addresses and CIDR blocks, IPv4 and IPv6", () => {
        assert.strictEqual(
            holds("IpAddress", "aws:SourceIp", "10.0.0.0/8", { "aws:SourceIp": "10.200.1.1" }),
            true,
        );
        assert.strictEqual(
            holds("IpAddress", "aws:SourceIp", "10.0.0.0/8", { "aws:SourceIp": "11.0.0.1" }),
            false,
        );
        assert.strictEqual(
            holds("IpAddress", "aws:SourceIp", "0.0.0.0/0", { "aws:SourceIp": "203.0.113.9" }),
            true,
        );
        assert.strictEqual(
            holds("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", { "aws:SourceIp": "11.0.0.1" }),
            true,
        );
        assert.strictEqual(
            holds("IpAddress", "aws:SourceIp", "2001:db8::/32", {
                "aws:SourceIp": "2001:db8:1::5",
            }),
            true,
        );
        assert.strictEqual(
            holds("IpAddress", "aws:SourceIp", "2001:db8::/32", { "aws:SourceIp": "10.0.0.1" }),
            false,
        );
        assert.strictEqual(
            holds("IpAddress", "aws:SourceIp", "192.0.2.7", { "aws:SourceIp": "192.0.2.7" }),
            true,
        );
    });

    it("ARN operators match part by part; a wildcard never crosses a colon", () => {
        assert.strictEqual(
            holds("ArnLike", "aws:SourceArn", "arn:aws:cloudtrail:*:111111111111:trail/*", {
                "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org",
            }),
            true,
        );
        assert.strictEqual(
            holds("ArnLike", "aws:SourceArn", "arn:aws:cloudtrail:*:111111111111:trail/*", {
                "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:999999999999:trail/org",
            }),
            false,
        );
        assert.strictEqual(
            holds("ArnEquals", "aws:SourceArn", "arn:aws:s3:::*", {
                "aws:SourceArn": "arn:aws:s3:::bucket",
            }),
            true,
            "ArnEquals accepts wildcards too",
        );
        assert.strictEqual(
            holds("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/x", {
                "aws:PrincipalArn": "arn:aws:iam::1:2:role/x",
            }),
            false,
        );
        assert.strictEqual(
            holds("StringLike", "aws:PrincipalArn", "arn:aws:iam::*:role/x", {
                "aws:PrincipalArn": "arn:aws:iam::1:2:role/x",
            }),
            true,
            "StringLike has no ARN parts",
        );
    });

    it("policy variables resolve from the request, with defaults, and escape", () => {
        assert.strictEqual(
            holds("StringEquals", "aws:PrincipalTag/team", "${aws:username}", {
                "aws:PrincipalTag/team": "alice",
                "aws:username": "alice",
            }),
            true,
        );
        assert.strictEqual(
            holds("StringEquals", "k", "${aws:username}", { k: "alice" }),
            false,
            "an unresolved variable never matches",
        );
        assert.strictEqual(
            holds("StringEquals", "k", "${aws:username, 'nobody'}", { k: "nobody" }),
            true,
        );
        assert.strictEqual(holds("StringLike", "k", "a${*}", { k: "a*" }), true);
        assert.strictEqual(
            holds("StringLike", "k", "a${*}", { k: "abc" }),
            false,
            "${*} is a literal star",
        );
        assert.strictEqual(
            holds("StringEquals", "k", "${aws:username}", { k: "${aws:username}" }, "2008-10-17"),
            true,
            "no variables before 2012-10-17",
        );
    });
});
