/**
 * Fuzz: random JSON, and random mutations of valid policies, never make the model throw anything
 * but its clear PolicyInputError, and never make a policy (via checkResources) crash.
 */
import * as assert from "assert";
import {
    awsPrincipalFromArn,
    evaluateRequest,
    findAdminGrants,
    findAssumeWithoutMfa,
    findPublicAccess,
    findSingleActionEscalations,
    findWeakOidcTrust,
    isHumanAssumable,
    parsePolicyDocument,
    PolicyInputError,
    SINGLE_ACTION_ESCALATIONS,
    TRUST_POLICY_ACTIONS,
} from "../../policypack/iam";
import { checkResources } from "../../policypack/runner";
import { pick, rng } from "./helpers";

const KEYS = [
    "Version",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "Bool",
    "BoolIfExists",
    "Null",
    "StringLike",
    "ForAllValues:StringEquals",
    "ForAnyValue:Bool",
    "NumericLessThan",
    "IpAddress",
    "ArnLike",
    "DateGreaterThan",
    "aws:MultiFactorAuthPresent",
    "aws:SourceIp",
    "aws:PrincipalOrgID",
    "sts:ExternalId",
    "token.actions.githubusercontent.com:sub",
    "x",
    "",
];
const STRINGS = [
    "*",
    "Allow",
    "Deny",
    "2012-10-17",
    "2008-10-17",
    "sts:AssumeRole",
    "sts:*",
    "iam:*",
    "s3:Get*",
    "arn:aws:iam::123456789012:root",
    "arn:aws:iam::*:root",
    "123456789012",
    "arn:aws:iam::123456789012:user/a",
    "arn:aws:iam::123456789012:role/r",
    "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
    "ec2.amazonaws.com",
    "true",
    "false",
    "10.0.0.0/8",
    "::/0",
    "300.1.1.1/99",
    "${aws:username}",
    "${",
    "repo:org/*",
    "o-abc",
    "",
    "?",
    "\u0000",
    "a".repeat(300),
    "2030-01-01T00:00:00Z",
    "NaN",
    "-1",
];

function randomJson(r: () => number, depth = 0): unknown {
    const x = r();
    if (depth > 4 || x < 0.35) {
        const y = r();
        if (y < 0.6) return pick(r, STRINGS);
        if (y < 0.7) return Math.floor(r() * 1e6) - 500;
        if (y < 0.8) return r() < 0.5;
        if (y < 0.85) return null;
        return r() * 1e300;
    }
    if (x < 0.55)
        return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(r() * 5); i > 0; i--) o[pick(r, KEYS)] = randomJson(r, depth + 1);
    return o;
}

const VALID: unknown[] = [
    {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "A",
                Effect: "Allow",
                Principal: { AWS: ["arn:aws:iam::123456789012:user/a", "*"] },
                Action: "sts:AssumeRole",
                Condition: {
                    Bool: { "aws:MultiFactorAuthPresent": "true" },
                    "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-a/*"] },
                },
            },
        ],
    },
    {
        Version: "2012-10-17",
        Statement: {
            Effect: "Deny",
            NotPrincipal: { Service: "cloudtrail.amazonaws.com" },
            NotAction: ["s3:Get*"],
            NotResource: "arn:aws:s3:::b/*",
            Condition: {
                IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"] },
                DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" },
            },
        },
    },
    {
        Statement: [
            {
                Effect: "Allow",
                Principal: {
                    Federated:
                        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
                },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringLike: { "token.actions.githubusercontent.com:sub": "repo:o/*" },
                    StringEquals: {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    },
                },
            },
        ],
    },
    {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["iam:PassRole", "ec2:RunInstances", "lambda:UpdateFunctionCode"],
                Resource: "arn:aws:iam::*:role/${aws:username}",
            },
        ],
    },
];

/** Replaces one random node of a JSON value with random JSON. */
function mutate(r: () => number, v: unknown, depth = 0): unknown {
    if (depth > 0 && r() < 0.25) return randomJson(r, 3);
    if (Array.isArray(v)) {
        if (v.length === 0) return [randomJson(r, 2)];
        const copy = [...v];
        const i = Math.floor(r() * copy.length);
        copy[i] = mutate(r, copy[i], depth + 1);
        return copy;
    }
    if (typeof v === "object" && v !== null) {
        const copy: Record<string, unknown> = { ...(v as Record<string, unknown>) };
        const keys = Object.keys(copy);
        if (keys.length === 0 || r() < 0.15) copy[pick(r, KEYS)] = randomJson(r, 2);
        else if (r() < 0.15) delete copy[pick(r, keys)];
        else {
            const k = pick(r, keys);
            copy[k] = mutate(r, copy[k], depth + 1);
        }
        return copy;
    }
    // Leaves: mostly keep the type, so many mutants stay valid and reach the analyses.
    if (typeof v === "string" && r() < 0.7) return pick(r, STRINGS);
    return randomJson(r, 3);
}

function exercise(input: unknown): "ok" | "input-error" {
    let doc;
    try {
        doc = parsePolicyDocument(input);
    } catch (e) {
        if (e instanceof PolicyInputError) return "input-error";
        throw e;
    }
    findPublicAccess(doc);
    findPublicAccess(doc, { actions: TRUST_POLICY_ACTIONS });
    findPublicAccess(doc, { services: ["s3"] });
    findAssumeWithoutMfa(doc, { externalIdSatisfies: true, ssoRolesAreHuman: true });
    findWeakOidcTrust(doc);
    findAdminGrants(doc);
    findSingleActionEscalations(
        doc,
        SINGLE_ACTION_ESCALATIONS.map((e) => e.action),
    );
    isHumanAssumable(doc);
    evaluateRequest(doc, {
        principal: awsPrincipalFromArn("arn:aws:iam::123456789012:user/a"),
        action: "sts:AssumeRole",
        resource: "arn:aws:s3:::b/x",
        context: { "aws:SourceIp": "10.1.1.1", "aws:TagKeys": ["a", "b"] },
    });
    return "ok";
}

const N = Number(process.env.FUZZ_CASES ?? 3000);

describe("fuzz", function () {
    this.timeout(300_000);

    it(`random JSON (${N} values, as objects and as strings) only ever raises PolicyInputError`, () => {
        const r = rng(7);
        const outcomes = { ok: 0, "input-error": 0 };
        for (let i = 0; i < N; i++) {
            const v = i % 10 === 0 ? { Statement: randomJson(r) } : randomJson(r);
            outcomes[exercise(v)]++;
            const text =
                i % 3 === 0 ? JSON.stringify(v).slice(0, Math.floor(r() * 200)) : JSON.stringify(v);
            if (text !== undefined) outcomes[exercise(text)]++;
        }
        assert.ok(outcomes["input-error"] > 0);
    });

    it(`${N} mutations of valid policies only ever raise PolicyInputError`, () => {
        const r = rng(11);
        const outcomes = { ok: 0, "input-error": 0 };
        for (let i = 0; i < N; i++) {
            let v = pick(r, VALID);
            for (let k = 1 + Math.floor(r() * 2); k > 0; k--) v = mutate(r, v);
            outcomes[exercise(v)]++;
        }
        assert.ok(outcomes.ok > N / 10, `too few mutations stayed valid (${outcomes.ok})`);
        assert.ok(
            outcomes["input-error"] > N / 10,
            `too few mutations were invalid (${outcomes["input-error"]})`,
        );
    });

    it("policies turn random documents into violations, never crashes", () => {
        const r = rng(13);
        const types = [
            "aws:iam/role:Role",
            "aws:iam/policy:Policy",
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:iam/rolePolicy:RolePolicy",
            "aws:kms/key:Key",
            "aws:lambda/permission:Permission",
        ];
        const resources = Array.from({ length: 400 }, (_, i) => {
            let doc = pick(r, VALID);
            for (let k = Math.floor(r() * 3); k > 0; k--) doc = mutate(r, doc);
            const d = r() < 0.5 ? JSON.stringify(doc) : doc;
            return {
                type: pick(r, types),
                name: `r${i}`,
                props: {
                    assumeRolePolicy: d,
                    policy: d,
                    inlinePolicies: [{ name: "x", policy: d }],
                    managedPolicyArns: [pick(r, STRINGS)],
                    principal: pick(r, STRINGS),
                    action: pick(r, STRINGS),
                    maxSessionDuration: 43200,
                },
            };
        });
        const v = checkResources(resources);
        assert.ok(v.length > 0);
        assert.ok(v.every((x) => typeof x.message === "string" && x.message.length > 0));
    });
});
