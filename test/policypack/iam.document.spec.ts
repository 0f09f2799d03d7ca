import * as assert from "assert";
import { parsePolicyDocument, PolicyInputError, statementLabel } from "../../policypack/iam";

const statement = {
    Sid: "One",
    Effect: "Allow",
    Principal: { AWS: "123456789012" },
    Action: "sts:AssumeRole",
};

describe("iam model: parsing documents", () => {
    it("reads a JSON string and the same object identically", () => {
        const obj = { Version: "2012-10-17", Statement: [statement] };
        const a = parsePolicyDocument(JSON.stringify(obj));
        const b = parsePolicyDocument(obj);
        assert.deepStrictEqual(a.statements, b.statements);
        assert.strictEqual(a.statements[0].effect, "Allow");
        assert.deepStrictEqual(a.statements[0].principal!.aws, ["123456789012"]);
    });

    it("accepts Statement as a single object", () => {
        const d = parsePolicyDocument({ Version: "2012-10-17", Statement: statement });
        assert.strictEqual(d.statements.length, 1);
        assert.strictEqual(statementLabel(d.statements[0]), 'Statement[0] (Sid "One")');
    });

    it("normalises single values to lists", () => {
        const d = parsePolicyDocument({
            Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
        });
        assert.deepStrictEqual(d.statements[0].action, ["s3:GetObject"]);
        assert.deepStrictEqual(d.statements[0].resource, ["arn:aws:s3:::b/*"]);
        assert.strictEqual(d.variables, false, "policy variables need Version 2012-10-17");
    });

    it('keeps the string principal "*" apart from {AWS: "*"}', () => {
        const star = parsePolicyDocument({
            Statement: { Effect: "Allow", Principal: "*", Action: "s3:*" },
        });
        const aws = parsePolicyDocument({
            Statement: { Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:*" },
        });
        assert.strictEqual(star.statements[0].principal!.star, true);
        assert.strictEqual(aws.statements[0].principal!.star, false);
        assert.deepStrictEqual(aws.statements[0].principal!.aws, ["*"]);
    });

    it("turns condition values into strings (booleans and numbers too)", () => {
        const d = parsePolicyDocument({
            Statement: {
                Effect: "Allow",
                Action: "*",
                Condition: {
                    Bool: { "aws:MultiFactorAuthPresent": true },
                    NumericLessThan: { "aws:MultiFactorAuthAge": 3600 },
                },
            },
        });
        assert.deepStrictEqual(
            d.statements[0].conditions.map((c) => c.values),
            [["true"], ["3600"]],
        );
        assert.strictEqual(d.statements[0].conditions[0].keyLower, "aws:multifactorauthpresent");
    });

    it("parses operator qualifiers and suffixes", () => {
        const d = parsePolicyDocument({
            Statement: {
                Effect: "Allow",
                Action: "*",
                Condition: {
                    "ForAnyValue:StringNotLikeIfExists": { "aws:TagKeys": ["a*"] },
                    "forallvalues:stringequals": { "aws:TagKeys": "x" },
                },
            },
        });
        const [a, b] = d.statements[0].conditions;
        assert.deepStrictEqual(
            [a.qualifier, a.base, a.negated, a.ifExists],
            ["ForAnyValue", "StringNotLike", true, true],
        );
        assert.deepStrictEqual(
            [b.qualifier, b.base, b.negated, b.ifExists],
            ["ForAllValues", "StringEquals", false, false],
        );
    });

    const bad: Array<[string, unknown, string]> = [
        ["invalid JSON", "{not json", "not valid JSON"],
        ["empty string", "  ", "empty"],
        ["no document", undefined, "no policy document"],
        ["an array", [statement], "must be a JSON object"],
        ["a number", 42, "must be a JSON string or object"],
        ["no Statement", { Version: "2012-10-17" }, "Statement: is missing"],
        ["a bad Version", { Version: "2020-01-01", Statement: statement }, "Version"],
        [
            "an unknown top-level key",
            { Statement: statement, Statements: [] },
            "unknown top-level element",
        ],
        ["a statement that is a string", { Statement: ["x"] }, "a statement must be an object"],
        [
            "a bad Effect",
            { Statement: { ...statement, Effect: "allow" } },
            'must be "Allow" or "Deny"',
        ],
        [
            "Action and NotAction",
            { Statement: { ...statement, NotAction: "s3:*" } },
            "exactly one of Action or NotAction",
        ],
        [
            "neither Action nor NotAction",
            { Statement: { Effect: "Allow", Principal: "*" } },
            "exactly one of Action or NotAction",
        ],
        [
            "Principal and NotPrincipal",
            { Statement: { ...statement, NotPrincipal: "*" } },
            "both Principal and NotPrincipal",
        ],
        [
            "a string principal ARN",
            { Statement: { ...statement, Principal: "arn:aws:iam::123456789012:root" } },
            'a string principal must be "*"',
        ],
        [
            "an unknown principal type",
            { Statement: { ...statement, Principal: { Aws: "*" } } },
            "unknown principal type",
        ],
        [
            "an empty principal",
            { Statement: { ...statement, Principal: {} } },
            "names no principal",
        ],
        ["a non-string action", { Statement: { ...statement, Action: [1] } }, "must be a string"],
        [
            "an unknown operator",
            { Statement: { ...statement, Condition: { BoolEquals: { k: "v" } } } },
            'unknown condition operator "BoolEquals"',
        ],
        [
            "NullIfExists",
            { Statement: { ...statement, Condition: { NullIfExists: { k: "true" } } } },
            "Null takes no IfExists",
        ],
        [
            "a null condition value",
            { Statement: { ...statement, Condition: { Bool: { k: null } } } },
            "condition values must be strings",
        ],
        [
            "a condition block that is a string",
            { Statement: { ...statement, Condition: { Bool: "x" } } },
            "must map condition keys",
        ],
        [
            "a misspelt element",
            { Statement: { ...statement, Conditions: {} } },
            "unknown statement element",
        ],
    ];
    for (const [what, input, fragment] of bad) {
        it(`rejects ${what} with a PolicyInputError`, () => {
            assert.throws(
                () => parsePolicyDocument(input),
                (e: unknown) => e instanceof PolicyInputError && e.message.includes(fragment),
            );
        });
    }

    it("enforces Principal rules per document kind", () => {
        const identity = { Statement: { Effect: "Allow", Action: "s3:*", Resource: "*" } };
        assert.throws(() => parsePolicyDocument(identity, "trust"), /needs a Principal/);
        assert.throws(
            () => parsePolicyDocument({ Statement: statement }, "identity"),
            /cannot name a Principal/,
        );
        assert.doesNotThrow(() => parsePolicyDocument(identity, "identity"));
    });

    it("points at the statement by index and Sid", () => {
        assert.throws(
            () =>
                parsePolicyDocument({
                    Statement: [
                        statement,
                        {
                            Sid: "Two",
                            Effect: "Allow",
                            Action: "x",
                            Resource: "*",
                            Condition: { Foo: {} },
                        },
                    ],
                }),
            (e: unknown) =>
                e instanceof PolicyInputError &&
                e.path.startsWith('Statement[1] (Sid "Two").Condition.Foo'),
        );
    });
});
