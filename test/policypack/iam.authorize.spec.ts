import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
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
    ...(Sid ? { Sid } : {}),
    Effect: "Allow",
    Action,
    Resource,
});
const deny = (Action: string, Resource = "*", Sid?: string) => ({
    ...(Sid ? { Sid } : {}),
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

describe("iam model: authorize agrees with @cloud-copilot/iam-simulate", () => {
    type Json = Record<string, unknown>;
    const doc = (...Statement: Json[]) => ({ Version: "2012-10-17", Statement });
    const CALLER = "111111111111";
    const callerArn = `arn:aws:iam::${CALLER}:user/alice`;
    const identities: Record<string, Json | undefined> = {
        "identity allows": doc(allow("s3:GetObject")),
        "identity allows other actions": doc(allow("ec2:*")),
        "identity allows and denies": doc(allow("s3:*"), deny("s3:GetObject")),
    };
    const scps: Record<string, Json[]> = {
        "FullAWSAccess only": [],
        "an SCP denies": [doc(deny("s3:GetObject"))],
    };
    const scpsAllowingNothing = doc(allow("ec2:*"));
    const boundaries: Record<string, Json | undefined> = {
        "no boundary": undefined,
        "boundary allows": doc(allow("s3:*")),
        "boundary allows other actions": doc(allow("ec2:*")),
    };
    const grant = (Effect: string) => ({
        Effect,
        Principal: { AWS: callerArn },
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::shared-bucket/*",
    });
    const resources: Record<string, Json | undefined> = {
        "no bucket policy": undefined,
        "bucket policy allows alice": doc(grant("Allow")),
        // A grant to the account leaves the decision to the account's IAM, in the same account too.
        "bucket policy allows alice's account": doc({
            ...grant("Allow"),
            Principal: { AWS: `arn:aws:iam::${CALLER}:root` },
        }),
        "bucket policy denies alice": doc(grant("Deny")),
    };

    async function oracle(
        account: string,
        identity: Json | undefined,
        scp: Json[],
        boundary: Json | undefined,
        resource: Json | undefined,
        scpLevel = [{ name: "FullAWSAccess", policy: doc(allow("*")) }],
    ): Promise<string> {
        const result = await runSimulation(
            {
                request: {
                    principal: callerArn,
                    action: "s3:GetObject",
                    resource: { resource: BUCKET, accountId: account },
                    contextVariables: {},
                },
                identityPolicies: identity ? [{ name: "alice-inline", policy: identity }] : [],
                serviceControlPolicies: [
                    {
                        orgIdentifier: "r-root",
                        policies: [
                            ...scpLevel,
                            ...scp.map((policy, i) => ({ name: `scp-${i}`, policy })),
                        ],
                    },
                ],
                resourceControlPolicies: [],
                resourcePolicy: resource,
                permissionBoundaryPolicies: boundary
                    ? [{ name: "boundary", policy: boundary }]
                    : undefined,
            },
            {},
        );
        if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
        return result.overallResult === "Allowed" ? "Allow" : "Deny";
    }

    function ours(
        account: string,
        identity: Json | undefined,
        scp: Json[],
        boundary: Json | undefined,
        resource: Json | undefined,
        scpLevel: NamedPolicy[] = [FULL_AWS_ACCESS],
    ): string {
        const named = (label: string, d: Json, kind: "identity" | "resource") => ({
            label,
            doc: parsePolicyDocument(d, kind),
        });
        const r = authorize(
            {
                principal: ALICE,
                action: "s3:GetObject",
                resource: BUCKET,
                resourceAccount: account,
            },
            {
                identity: identity ? [named("alice-inline", identity, "identity")] : [],
                scps: [...scpLevel, ...scp.map((d, i) => named(`scp-${i}`, d, "identity"))],
                boundary: boundary && named("boundary", boundary, "identity"),
                resource: resource && named("bucket policy", resource, "resource"),
            },
        );
        return r.decision === "Allow" ? "Allow" : "Deny";
    }

    for (const account of [CALLER, "222222222222"]) {
        const where = account === CALLER ? "same account" : "cross account";
        it(`${where}: every combination of identity, SCP, boundary and bucket policy`, async () => {
            const disagreements: string[] = [];
            let allowed = 0;
            for (const [i, identity] of Object.entries(identities))
                for (const [s, scp] of Object.entries(scps))
                    for (const [b, boundary] of Object.entries(boundaries))
                        for (const [r, resource] of Object.entries(resources)) {
                            const want = await oracle(account, identity, scp, boundary, resource);
                            const got = ours(account, identity, scp, boundary, resource);
                            if (got === "Allow") allowed++;
                            if (want !== got)
                                disagreements.push(
                                    `${i}; ${s}; ${b}; ${r}: iam-simulate ${want}, ours ${got}`,
                                );
                        }
            assert.deepStrictEqual(disagreements, []);
            assert.ok(allowed > 0, "some combination is allowed");
        });
    }

    it("sts:AssumeRole: every combination of trust, identity and SCP, across accounts and within one", async () => {
        const trusts: Record<string, string> = {
            "trust names the caller's account": `arn:aws:iam::${CALLER}:root`,
            "trust names another account": "arn:aws:iam::333333333333:root",
        };
        const callerSides: Record<string, Json> = {
            "identity allows assuming": doc(allow("sts:AssumeRole")),
            "identity allows other actions": doc(allow("ec2:*")),
        };
        const disagreements: string[] = [];
        for (const roleAccount of [CALLER, "222222222222"]) {
            const roleArn = `arn:aws:iam::${roleAccount}:role/Target`;
            for (const [t, principal] of Object.entries(trusts))
                for (const [i, identity] of Object.entries(callerSides))
                    for (const [s, scp] of Object.entries(scps)) {
                        const trust = {
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Principal: { AWS: principal },
                                    Action: "sts:AssumeRole",
                                },
                            ],
                        };
                        const scpDocs = scp.map((d) =>
                            JSON.parse(
                                JSON.stringify(d).replace(/s3:GetObject/g, "sts:AssumeRole"),
                            ),
                        );
                        const result = await runSimulation(
                            {
                                request: {
                                    principal: callerArn,
                                    action: "sts:AssumeRole",
                                    resource: { resource: roleArn, accountId: roleAccount },
                                    contextVariables: {},
                                },
                                identityPolicies: [{ name: "alice-inline", policy: identity }],
                                serviceControlPolicies: [
                                    {
                                        orgIdentifier: "r-root",
                                        policies: [
                                            { name: "FullAWSAccess", policy: doc(allow("*")) },
                                            ...scpDocs.map((policy, n) => ({
                                                name: `scp-${n}`,
                                                policy,
                                            })),
                                        ],
                                    },
                                ],
                                resourceControlPolicies: [],
                                resourcePolicy: trust,
                            },
                            {},
                        );
                        if (result.resultType === "error")
                            throw new Error(JSON.stringify(result.errors));
                        const want = result.overallResult === "Allowed" ? "Allow" : "Deny";
                        const r = authorize(
                            { principal: ALICE, action: "sts:AssumeRole", resource: roleArn },
                            {
                                identity: [
                                    {
                                        label: "alice-inline",
                                        doc: parsePolicyDocument(identity, "identity"),
                                    },
                                ],
                                scps: [
                                    ...scpDocs.map((d, n) => ({
                                        label: `scp-${n}`,
                                        doc: parsePolicyDocument(d, "identity"),
                                    })),
                                    FULL_AWS_ACCESS,
                                ],
                                trust: {
                                    label: "trust policy",
                                    doc: parsePolicyDocument(trust, "trust"),
                                },
                            },
                        );
                        const got = r.decision === "Allow" ? "Allow" : "Deny";
                        if (want !== got)
                            disagreements.push(
                                `role in ${roleAccount}; ${t}; ${i}; ${s}: iam-simulate ${want}, ours ${got}`,
                            );
                    }
        }
        assert.deepStrictEqual(disagreements, []);
    });

    it("the one deliberate difference: a same-account trust naming the caller's ARN does not waive the identity side", async () => {
        const roleArn = `arn:aws:iam::${CALLER}:role/Target`;
        const trust = {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Principal: { AWS: callerArn }, Action: "sts:AssumeRole" },
            ],
        };
        const result = await runSimulation(
            {
                request: {
                    principal: callerArn,
                    action: "sts:AssumeRole",
                    resource: { resource: roleArn, accountId: CALLER },
                    contextVariables: {},
                },
                identityPolicies: [],
                serviceControlPolicies: [],
                resourceControlPolicies: [],
                resourcePolicy: trust,
            },
            {},
        );
        assert.ok(result.resultType !== "error" && result.overallResult === "Allowed");
        const r = authorize(
            { principal: ALICE, action: "sts:AssumeRole", resource: roleArn },
            {
                identity: [],
                trust: { label: "trust policy", doc: parsePolicyDocument(trust, "trust") },
            },
        );
        assert.strictEqual(r.decision, "ImplicitDeny");
        assert.strictEqual(r.missing, "identity");
    });

    it("SCPs that allow nothing deny, in both engines", async () => {
        const identity = doc(allow("s3:GetObject"));
        const level = [{ name: "only-ec2", policy: scpsAllowingNothing }];
        assert.strictEqual(await oracle(CALLER, identity, [], undefined, undefined, level), "Deny");
        assert.strictEqual(
            ours(CALLER, identity, [], undefined, undefined, [
                policy("SCP only-ec2", [allow("ec2:*")], "identity"),
            ]),
            "Deny",
        );
    });
});
