/**
 * Differential tests: over many generated trust policies, the pack's MFA and wildcard verdicts
 * must agree with @cloud-copilot/iam-simulate (AGPL; used here only, as a devDependency)
 * evaluating sts:AssumeRole requests.
 *
 * - MFA: the pack flags a trust policy  <=>  the simulator allows some IAM user (named, of a
 *   trusted account, or of another account) to assume the role with MFA absent or "false" and
 *   without the exact ExternalId.
 * - Wildcard: the pack flags  <=>  the simulator allows some principal of an account the policy
 *   does not name to perform any trust-policy action (sts:AssumeRole, TagSession, ...), with any MFA state, ExternalId, org id
 *   (not the trusted one) or source address (outside the narrow ranges the policy names).
 *
 * Generated principals stay within forms AWS itself accepts (the pack deliberately also reads
 * `arn:aws:iam::*:root` as "everyone", which AWS rejects, so that form is tested elsewhere).
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { runSimulation, Simulation } from "@cloud-copilot/iam-simulate";
import { parseArn } from "../../policypack/iam";
import { iamNoWildcardPrincipal, iamTrustRequiresMfa } from "../../policypack/policies";
import { Json, pick, rng, runResourcePolicy } from "./helpers";

const TRUSTED = "111111111111";
const OUTSIDER = "999999999999";
const ROLE_ACCOUNT = "777777777777";
const ALICE = `arn:aws:iam::${TRUSTED}:user/alice`;
const BOB = `arn:aws:iam::${TRUSTED}:user/bob`;
const CI = `arn:aws:iam::${TRUSTED}:role/ci`;
const MFA = "aws:MultiFactorAuthPresent";
const AGE = "aws:MultiFactorAuthAge";
const EXT = "sts:ExternalId";
const ORG = "aws:PrincipalOrgID";
const IP = "aws:SourceIp";
const PARN = "aws:PrincipalArn";

type Clause = [string, string, string];

const ALLOW_PRINCIPALS: Array<{ Principal?: unknown; NotPrincipal?: unknown }> = [
    { Principal: { AWS: ALICE } },
    { Principal: { AWS: TRUSTED } },
    { Principal: { AWS: `arn:aws:iam::${TRUSTED}:root` } },
    { Principal: { AWS: [CI, ALICE] } },
    { Principal: { AWS: CI } },
    { Principal: "*" },
    { Principal: { AWS: "*" } },
    { Principal: { AWS: [`arn:aws:iam::${TRUSTED}:root`, "*"] } },
    { Principal: { Service: "ec2.amazonaws.com" } },
    { NotPrincipal: { AWS: BOB } },
];
const DENY_PRINCIPALS: unknown[] = ["*", { AWS: ALICE }, { AWS: TRUSTED }];
const ACTIONS: Json[] = [
    { Action: "sts:AssumeRole" },
    { Action: "sts:*" },
    { Action: "*" },
    { Action: ["sts:AssumeRole", "sts:TagSession"] },
    { Action: "sts:TagSession" },
    { NotAction: "sts:TagSession" },
    { NotAction: "sts:AssumeRole" },
    { Action: "sts:Assume*" },
    { Action: "STS:assumerole" },
];
const CLAUSES: Clause[] = [
    ["Bool", MFA, "true"],
    ["Bool", MFA, "false"],
    ["BoolIfExists", MFA, "true"],
    ["BoolIfExists", MFA, "false"],
    ["Null", MFA, "false"],
    ["Null", MFA, "true"],
    ["ForAllValues:Bool", MFA, "true"],
    ["ForAnyValue:Bool", MFA, "true"],
    ["StringEquals", MFA, "true"],
    ["NumericLessThan", AGE, "3600"],
    ["NumericLessThanIfExists", AGE, "3600"],
    ["StringEquals", EXT, "ext-1"],
    ["StringLike", EXT, "ext-*"],
    ["StringNotEquals", EXT, "ext-1"],
    ["StringEqualsIfExists", EXT, "ext-1"],
    ["StringEquals", ORG, "o-good"],
    ["StringNotEquals", ORG, "o-good"],
    ["StringLike", ORG, "o-*"],
    ["StringEqualsIfExists", ORG, "o-good"],
    ["ForAnyValue:StringEquals", ORG, "o-good"],
    ["ArnLike", PARN, `arn:aws:iam::${TRUSTED}:*`],
    ["ArnLike", PARN, "arn:aws:iam::*:user/*"],
    ["IpAddress", IP, "10.0.0.0/8"],
    ["NotIpAddress", IP, "10.0.0.0/8"],
    // iam-simulate 0.1.173 never matches "0.0.0.0/0" (AWS matches every IPv4 address); /1 keeps a
    // near-universal range in the sample. /0 is covered by the model's own tests.
    ["IpAddress", IP, "0.0.0.0/1"],
];
const DENY_CLAUSES: Clause[][] = [
    [["BoolIfExists", MFA, "false"]],
    [["Bool", MFA, "false"]],
    [["Null", MFA, "true"]],
    [["StringNotEquals", ORG, "o-good"]],
    [],
];

function condition(clauses: Clause[]): Json | undefined {
    if (clauses.length === 0) return undefined;
    const c: Record<string, Record<string, string>> = {};
    for (const [op, key, value] of clauses) (c[op] ??= {})[key] = value;
    return c;
}

/**
 * With `externalIdOnlyOnAssume`, only statements granting just sts:AssumeRole get sts:ExternalId
 * clauses: the simulator drops that key from sts:TagSession (and other non-AssumeRole) requests,
 * while AWS authorises those inside the AssumeRole call, with its context.
 */
function generate(r: () => number, externalIdOnlyOnAssume = false): Json {
    const n = 1 + Math.floor(r() * 3);
    const statements: Json[] = [];
    for (let i = 0; i < n; i++) {
        const deny = r() < 0.2;
        let clauses: Clause[] = deny
            ? pick(r, DENY_CLAUSES)
            : Array.from({ length: Math.floor(r() * 3) }, () => pick(r, CLAUSES));
        const principal = deny
            ? { Principal: pick(r, DENY_PRINCIPALS) }
            : pick(r, ALLOW_PRINCIPALS);
        const action = deny ? { Action: pick(r, ["sts:AssumeRole", "sts:*"]) } : pick(r, ACTIONS);
        const onlyAssume =
            typeof action.Action === "string" && action.Action.toLowerCase() === "sts:assumerole";
        if (externalIdOnlyOnAssume && !onlyAssume) {
            clauses = clauses.filter(([, key]) => key !== EXT);
        }
        const cond = condition(clauses);
        statements.push({
            Sid: `S${i}`,
            Effect: deny ? "Deny" : "Allow",
            ...principal,
            ...action,
            ...(cond ? { Condition: cond } : {}),
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** Keys the policy mentions, to keep the simulated contexts small. */
function mentions(doc: Json, key: string): boolean {
    return JSON.stringify(doc).toLowerCase().includes(key.toLowerCase());
}

function product<T>(lists: T[][]): T[][] {
    return lists.reduce<T[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]]);
}

type Ctx = Record<string, string>;

async function allowed(
    trust: Json,
    principal: string,
    ctx: Ctx,
    action: string,
): Promise<boolean | "error"> {
    const callerAccount = parseArn(principal)!.account;
    const principalArn = principal.includes(":assumed-role/")
        ? `arn:aws:iam::${callerAccount}:role/${principal.split("/")[1]}`
        : principal;
    const simulation: Simulation = {
        request: {
            principal,
            action,
            resource: {
                resource: `arn:aws:iam::${ROLE_ACCOUNT}:role/Target`,
                accountId: ROLE_ACCOUNT,
            },
            contextVariables: {
                ...ctx,
                [PARN]: principalArn,
                "aws:PrincipalAccount": callerAccount,
            },
        },
        identityPolicies: [
            {
                name: "caller",
                policy: {
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "sts:*", Resource: "*" }],
                },
            },
        ],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: trust,
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") return "error";
    return result.overallResult === "Allowed";
}

async function anyAllowed(
    trust: Json,
    principals: string[],
    contexts: Ctx[],
    actions: string[],
): Promise<boolean | "error"> {
    for (const action of actions) {
        for (const p of principals) {
            for (const c of contexts) {
                const a = await allowed(trust, p, c, action);
                if (a === "error") return "error";
                if (a) return true;
            }
        }
    }
    return false;
}

function contexts(trust: Json, domains: Record<string, Array<string | undefined>>): Ctx[] {
    const keys = Object.keys(domains).filter((k) => k === MFA || mentions(trust, k));
    return product(keys.map((k) => domains[k])).map((values) => {
        const ctx: Ctx = {};
        keys.forEach((k, i) => {
            if (values[i] !== undefined) ctx[k] = values[i]!;
        });
        if (ctx[MFA] === "true") ctx[AGE] = "60";
        return ctx;
    });
}

const CASES = Number(process.env.DIFFERENTIAL_CASES ?? 400);

describe("differential: pack verdicts vs @cloud-copilot/iam-simulate", function () {
    this.timeout(600_000);

    it(`agrees on MFA for ${CASES} generated trust policies`, async () => {
        const r = rng(20250101);
        let flagged = 0;
        let compared = 0;
        const mismatches: string[] = [];
        for (let i = 0; i < CASES; i++) {
            const trust = generate(r);
            const sim = await anyAllowed(
                trust,
                [
                    ALICE,
                    BOB,
                    `arn:aws:iam::${TRUSTED}:user/mfa-probe`,
                    `arn:aws:iam::${OUTSIDER}:user/mfa-probe`,
                ],
                contexts(trust, {
                    [MFA]: [undefined, "false"],
                    [EXT]: [undefined, "wrong", "ext-2"],
                    [ORG]: [undefined, "o-good", "o-bad"],
                    [IP]: ["10.1.2.3", "11.0.0.1", "203.0.113.5"],
                }),
                ["sts:AssumeRole"],
            );
            if (sim === "error") continue;
            compared++;
            const pack =
                (
                    await runResourcePolicy(iamTrustRequiresMfa, aws.iam.Role, {
                        assumeRolePolicy: trust,
                    })
                ).violations.length > 0;
            if (pack) flagged++;
            if (pack !== sim)
                mismatches.push(`pack=${pack} simulator=${sim}: ${JSON.stringify(trust)}`);
        }
        assert.deepStrictEqual(mismatches, []);
        assert.ok(
            compared > CASES * 0.9,
            `only ${compared} of ${CASES} policies were accepted by the simulator`,
        );
        assert.ok(
            flagged > compared * 0.2 && flagged < compared * 0.9,
            `degenerate sample: ${flagged} of ${compared} flagged`,
        );
    });

    it(`agrees on wildcard principals for ${CASES} generated trust policies`, async () => {
        const r = rng(424242);
        let flagged = 0;
        let compared = 0;
        const mismatches: string[] = [];
        for (let i = 0; i < CASES; i++) {
            const trust = generate(r, true);
            const sim = await anyAllowed(
                trust,
                [`arn:aws:iam::${OUTSIDER}:user/x`, `arn:aws:sts::${OUTSIDER}:assumed-role/x/s`],
                // An outsider calls from outside the narrow ranges the policy names (10.0.0.0/8 here).
                contexts(trust, {
                    [MFA]: [undefined, "true", "false"],
                    [EXT]: [undefined, "ext-1", "wrong"],
                    [ORG]: [undefined, "o-bad"],
                    [IP]: ["11.0.0.1", "203.0.113.5"],
                }),
                // The pack flags any Allow to everyone, whatever it grants: probe every trust action.
                [
                    "sts:AssumeRole",
                    "sts:TagSession",
                    "sts:SetSourceIdentity",
                    "sts:AssumeRoleWithSAML",
                    "sts:AssumeRoleWithWebIdentity",
                    "sts:SetContext",
                ],
            );
            if (sim === "error") continue;
            compared++;
            const pack =
                (
                    await runResourcePolicy(iamNoWildcardPrincipal, aws.iam.Role, {
                        assumeRolePolicy: trust,
                    })
                ).violations.length > 0;
            if (pack) flagged++;
            if (pack !== sim)
                mismatches.push(`pack=${pack} simulator=${sim}: ${JSON.stringify(trust)}`);
        }
        assert.deepStrictEqual(mismatches, []);
        assert.ok(
            compared > CASES * 0.9,
            `only ${compared} of ${CASES} policies were accepted by the simulator`,
        );
        assert.ok(
            flagged > compared * 0.1 && flagged < compared * 0.9,
            `degenerate sample: ${flagged} of ${compared} flagged`,
        );
    });
});

/**
 * Keys AWS sets from the resource (keys.ts): for key policies fenced on the resource's org and
 * account and on a role's unique id, the pack flags  <=>  the simulator allows some outsider
 * (a principal of another account and org, whose unique id is its own) to use the key, with the
 * key's own org and account in aws:ResourceOrgID and aws:ResourceAccount.
 */
describe("differential: resource-derived condition keys vs @cloud-copilot/iam-simulate", () => {
    const KEY_ACCOUNT = "111122223333";
    const KEY_ORG = "o-keyorg1234";
    const KEY = `arn:aws:kms:us-east-1:${KEY_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const conditions: Json[] = [
        { StringEquals: { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" } },
        { StringNotEquals: { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" } },
        { StringEquals: { "aws:PrincipalAccount": "${aws:ResourceAccount}" } },
        { StringEquals: { "aws:ResourceOrgID": KEY_ORG } },
        { StringEquals: { "aws:ResourceAccount": KEY_ACCOUNT } },
        { StringEquals: { "aws:PrincipalOrgID": KEY_ORG, "aws:ResourceOrgID": KEY_ORG } },
        { StringNotEqualsIfExists: { "aws:ResourceOrgID": "${aws:PrincipalOrgID}" } },
        { StringLike: { "aws:userid": "AROAEXAMPLEID1234567:*" } },
        { StringLike: { "aws:userid": "AROA*:*" } },
        {
            StringEquals: { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" },
            StringLike: { "kms:ViaService": "sso.*.amazonaws.com" },
        },
    ];
    const outsiders = [
        "arn:aws:iam::999999999999:user/outsider",
        "arn:aws:sts::999999999999:assumed-role/outsider/s",
    ];
    const contexts: Array<Record<string, string>> = [
        {},
        { "aws:PrincipalOrgID": "o-outsider1234" },
        { "aws:PrincipalOrgID": "o-outsider1234", "kms:ViaService": "sso.us-east-1.amazonaws.com" },
    ];

    async function simulatorAllowsOutsider(policy: Json): Promise<boolean> {
        for (const principal of outsiders) {
            for (const ctx of contexts) {
                const result = await runSimulation(
                    {
                        request: {
                            principal,
                            action: "kms:Decrypt",
                            resource: { resource: KEY, accountId: KEY_ACCOUNT },
                            contextVariables: {
                                ...ctx,
                                "aws:PrincipalAccount": "999999999999",
                                "aws:userid": principal.includes("assumed-role")
                                    ? "AROAOUTSIDER00000001:s"
                                    : "AIDAOUTSIDER00000001",
                                "aws:ResourceOrgID": KEY_ORG,
                                "aws:ResourceAccount": KEY_ACCOUNT,
                            },
                        },
                        identityPolicies: [
                            {
                                name: "caller",
                                policy: {
                                    Version: "2012-10-17",
                                    Statement: [
                                        { Effect: "Allow", Action: "kms:*", Resource: "*" },
                                    ],
                                },
                            },
                        ],
                        serviceControlPolicies: [],
                        resourceControlPolicies: [],
                        resourcePolicy: policy,
                    },
                    {},
                );
                assert.notStrictEqual(result.resultType, "error", JSON.stringify(result));
                if (result.resultType !== "error" && result.overallResult === "Allowed")
                    return true;
            }
        }
        return false;
    }

    for (const condition of conditions) {
        it(`agrees on ${JSON.stringify(condition)}`, async () => {
            const policy = {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: "*",
                        Action: "kms:Decrypt",
                        Resource: "*",
                        Condition: condition,
                    },
                ],
            };
            const flagged =
                (await runResourcePolicy(iamNoWildcardPrincipal, aws.kms.Key, { policy }))
                    .violations.length > 0;
            assert.strictEqual(flagged, await simulatorAllowsOutsider(policy));
        });
    }
});
