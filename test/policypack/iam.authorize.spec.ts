import * as assert from "assert";
import {
    authorize,
    awsPrincipalFromArn,
    FULL_AWS_ACCESS,
    NamedPolicy,
    parsePolicyDocument,
    RCP_FULL_AWS_ACCESS,
    RequestPrincipal,
} from "../../policypack/iam";

const ALICE_ARN = "arn:aws:iam::111111111111:user/alice";
const BOB_ARN = "arn:aws:iam::222222222222:user/bob";
const ALICE = awsPrincipalFromArn(ALICE_ARN) as RequestPrincipal;
const ROLE = "arn:aws:iam::222222222222:role/Target";
const BUCKET = "arn:aws:s3:::shared-bucket/report.csv";

function policy(label: string, statements: unknown[], kind: "identity" | "resource" | "trust") {
    const doc = parsePolicyDocument({ Version: "2012-10-17", Statement: statements }, kind);
    return { label, doc } satisfies NamedPolicy;
}

const allow = (Action: string, Resource = "*", Sid?: string) => ({
    Sid,
    Effect: "Allow",
    Action,
    Resource,
});
const deny = (Action: string, Resource = "*", Sid?: string) => ({
    Sid,
    Effect: "Deny",
    Action,
    Resource,
});

const identity = (...statements: unknown[]) => [policy("alice-inline", statements, "identity")];
const scp = (label: string, ...statements: unknown[]) => policy(label, statements, "identity");
const trustFor = (principal: string, conditions?: unknown) =>
    policy(
        "trust policy",
        [
            {
                Effect: "Allow",
                Principal: { AWS: principal },
                Action: "sts:AssumeRole",
                ...(conditions ? { Condition: conditions } : {}),
            },
        ],
        "trust",
    );
const bucketPolicy = (principal: string, extra: unknown[] = []) =>
    policy(
        "bucket policy",
        [
            {
                Sid: "Readers",
                Effect: "Allow",
                Principal: { AWS: principal },
                Action: "s3:GetObject",
                Resource: "arn:aws:s3:::shared-bucket/*",
            },
            ...extra,
        ],
        "resource",
    );

describe("iam model: authorize (combining policy types)", () => {
    const read = { principal: ALICE, action: "s3:GetObject", resource: BUCKET };

    it("allows on identity policies alone when nothing else applies, naming the allowing statement", () => {
        const r = authorize(read, { identity: identity(allow("s3:GetObject", "*", "Read")) });
        assert.strictEqual(r.decision, "Allow");
        assert.deepStrictEqual(
            r.allows.map((a) => [a.type, a.label]),
            [["identity", 'alice-inline Statement[0] (Sid "Read")']],
        );
    });

    it("an empty set of identity policies is an implicit deny, not 'no opinion'", () => {
        const r = authorize(read, { identity: [] });
        assert.strictEqual(r.decision, "ImplicitDeny");
        assert.strictEqual(r.missing, "identity");
    });

    it("an explicit Deny in an SCP beats an identity Allow", () => {
        const r = authorize(read, {
            identity: identity(allow("s3:*")),
            scps: [scp("SCP DenyS3", deny("s3:GetObject", "*", "NoReads")), FULL_AWS_ACCESS],
        });
        assert.strictEqual(r.decision, "ExplicitDeny");
        assert.deepStrictEqual(
            r.denies.map((d) => [d.type, d.label]),
            [["scp", 'SCP DenyS3 Statement[0] (Sid "NoReads")']],
        );
    });

    it("SCPs that allow nothing for the action are an implicit deny; FullAWSAccess lifts it", () => {
        const onlyEc2 = scp("SCP OnlyEc2", allow("ec2:*"));
        const denied = authorize(read, { identity: identity(allow("s3:*")), scps: [onlyEc2] });
        assert.strictEqual(denied.decision, "ImplicitDeny");
        assert.strictEqual(denied.missing, "scp");
        const allowed = authorize(read, {
            identity: identity(allow("s3:*")),
            scps: [onlyEc2, FULL_AWS_ACCESS],
        });
        assert.strictEqual(allowed.decision, "Allow");
        assert.deepStrictEqual(
            allowed.allows.map((a) => a.type),
            ["scp", "identity"],
        );
    });

    it("an SCP Allow grants nothing by itself: the identity side must allow too", () => {
        const r = authorize(read, { identity: [], scps: [FULL_AWS_ACCESS] });
        assert.strictEqual(r.decision, "ImplicitDeny");
        assert.strictEqual(r.missing, "identity");
    });

    it("a permissions boundary caps the identity policies: both must allow", () => {
        const everything = identity(allow("*"));
        const ec2Only = policy("boundary", [allow("ec2:*")], "identity");
        const capped = authorize(read, { identity: everything, boundary: ec2Only });
        assert.strictEqual(capped.decision, "ImplicitDeny");
        assert.strictEqual(capped.missing, "boundary");
        const s3Too = policy("boundary", [allow("ec2:*"), allow("s3:Get*")], "identity");
        assert.strictEqual(
            authorize(read, { identity: everything, boundary: s3Too }).decision,
            "Allow",
        );
        // The boundary grants nothing the identity policies do not.
        assert.strictEqual(
            authorize(read, { identity: identity(allow("ec2:*")), boundary: s3Too }).missing,
            "identity",
        );
    });

    it("a resource policy Allow is enough for a principal of the resource's own account", () => {
        const r = authorize(
            { ...read, resourceAccount: "111111111111" },
            { identity: [], resource: bucketPolicy(ALICE_ARN) },
        );
        assert.strictEqual(r.decision, "Allow");
        assert.deepStrictEqual(
            r.allows.map((a) => a.label),
            ['bucket policy Statement[0] (Sid "Readers")'],
        );
        // ...and in the same account the identity side alone is enough too.
        assert.strictEqual(
            authorize(
                { ...read, resourceAccount: "111111111111" },
                { identity: identity(allow("s3:GetObject")), resource: bucketPolicy(BOB_ARN) },
            ).decision,
            "Allow",
        );
    });

    it("across accounts a resource policy Allow needs the caller's identity Allow too", () => {
        const request = { ...read, resourceAccount: "222222222222" };
        const both = { resource: bucketPolicy(ALICE_ARN) };
        const noIdentity = authorize(request, { ...both, identity: [] });
        assert.strictEqual(noIdentity.decision, "ImplicitDeny");
        assert.strictEqual(noIdentity.missing, "identity");
        const noResource = authorize(request, {
            identity: identity(allow("s3:GetObject")),
            resource: bucketPolicy(BOB_ARN),
        });
        assert.strictEqual(noResource.decision, "ImplicitDeny");
        assert.strictEqual(noResource.missing, "resource");
        const ok = authorize(request, { ...both, identity: identity(allow("s3:GetObject")) });
        assert.strictEqual(ok.decision, "Allow");
        assert.deepStrictEqual(
            ok.allows.map((a) => a.type),
            ["resource", "identity"],
        );
    });

    it("an unknown resource account counts as another account (the cautious reading)", () => {
        const r = authorize(read, { identity: [], resource: bucketPolicy(ALICE_ARN) });
        assert.strictEqual(r.missing, "identity");
    });

    it("an RCP Deny beats a resource policy Allow; an RCP that allows nothing denies", () => {
        const request = { ...read, resourceAccount: "111111111111" };
        const rcpDeny = policy(
            "RCP NoReads",
            [{ Sid: "Deny", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }],
            "resource",
        );
        const denied = authorize(request, {
            resource: bucketPolicy(ALICE_ARN),
            rcps: [rcpDeny, RCP_FULL_AWS_ACCESS],
        });
        assert.strictEqual(denied.decision, "ExplicitDeny");
        assert.deepStrictEqual(
            denied.denies.map((d) => d.label),
            ['RCP NoReads Statement[0] (Sid "Deny")'],
        );
        const silent = authorize(request, { resource: bucketPolicy(ALICE_ARN), rcps: [] });
        assert.strictEqual(silent.missing, "rcp");
        assert.strictEqual(
            authorize(request, { resource: bucketPolicy(ALICE_ARN), rcps: [RCP_FULL_AWS_ACCESS] })
                .decision,
            "Allow",
        );
    });

    describe("sts:AssumeRole across accounts", () => {
        const assume = { principal: ALICE, action: "sts:AssumeRole", resource: ROLE };
        const mayAssume = identity(allow("sts:AssumeRole", ROLE, "Assume"));

        it("needs both the trust policy and the caller's identity policies", () => {
            const trust = trustFor("arn:aws:iam::111111111111:root");
            const both = authorize(assume, { trust, identity: mayAssume });
            assert.strictEqual(both.decision, "Allow");
            assert.deepStrictEqual(
                both.allows.map((a) => a.label),
                ["trust policy Statement[0]", 'alice-inline Statement[0] (Sid "Assume")'],
            );
            const trustOnly = authorize(assume, { trust, identity: [] });
            assert.strictEqual(trustOnly.missing, "identity");
            const identityOnly = authorize(assume, {
                trust: trustFor("arn:aws:iam::333333333333:root"),
                identity: mayAssume,
            });
            assert.strictEqual(identityOnly.missing, "trust");
        });

        it("the trust policy is asked without a resource, and its conditions decide", () => {
            const trust = trustFor("arn:aws:iam::111111111111:user/alice", {
                Bool: { "aws:MultiFactorAuthPresent": "true" },
            });
            assert.strictEqual(authorize(assume, { trust }).missing, "trust");
            const withMfa = {
                ...assume,
                context: { "aws:MultiFactorAuthPresent": "true" },
            };
            const r = authorize(withMfa, { trust });
            assert.strictEqual(r.decision, "Allow");
            assert.deepStrictEqual(
                r.allows.map((a) => a.type),
                ["trust"],
                "identity policies left out are taken to allow",
            );
        });

        it("reports the deciding Deny of every type that denies, SCP first", () => {
            const trust = policy(
                "trust policy",
                [
                    {
                        Effect: "Allow",
                        Principal: { AWS: "arn:aws:iam::111111111111:root" },
                        Action: "sts:AssumeRole",
                    },
                    {
                        Sid: "NoAlice",
                        Effect: "Deny",
                        Principal: { AWS: ALICE_ARN },
                        Action: "sts:AssumeRole",
                    },
                ],
                "trust",
            );
            const r = authorize(assume, {
                trust,
                identity: identity(allow("sts:AssumeRole"), deny("sts:AssumeRole", ROLE, "Self")),
                scps: [scp("SCP NoAssume", deny("sts:AssumeRole", "*", "Block")), FULL_AWS_ACCESS],
            });
            assert.strictEqual(r.decision, "ExplicitDeny");
            assert.deepStrictEqual(
                r.denies.map((d) => [d.type, d.label]),
                [
                    ["scp", 'SCP NoAssume Statement[0] (Sid "Block")'],
                    ["trust", 'trust policy Statement[1] (Sid "NoAlice")'],
                    ["identity", 'alice-inline Statement[1] (Sid "Self")'],
                ],
            );
            assert.deepStrictEqual(r.allows, []);
        });
    });
});
