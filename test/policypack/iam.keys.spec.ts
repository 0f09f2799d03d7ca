import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { iamNoWildcardPrincipal, iamTrustRequiresMfa } from "../../policypack/policies";
import * as fs from "fs";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import * as path from "path";
import {
    awsPrincipalFromArn,
    findAdminGrants,
    findAllowWitness,
    findPublicAccess,
    parsePolicyDocument,
    RequestPrincipal,
} from "../../policypack/iam";
import {
    CALLER_OR_TARGET_ACCOUNT_KEYS,
    IDENTITY_BOUND_KEYS,
    isSingleValued,
    keyEntry,
    keySource,
    PRINCIPAL_DERIVED_KEYS,
    requesterPinKeys,
} from "../../policypack/iam/keys";
import { keyAbsentFor } from "../../policypack/iam/requestShape";
import { runResourcePolicy, SECURITY_ACCOUNT } from "./helpers";

type Json = Record<string, unknown>;

/**
 * AWS's own IAM Identity Center baseline KMS key policy, verbatim (the account ids are AWS's
 * placeholders): https://docs.aws.amazon.com/singlesignon/latest/userguide/baseline-KMS-key-policy.html
 */
const IDENTITY_CENTER_KEY_POLICY: Json = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "AllowIdentityCenterAdminAccounts",
            Effect: "Allow",
            Principal: {
                AWS: ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"],
            },
            Action: "kms:*",
            Resource: "*",
        },
        {
            Sid: "AllowIdentityCenterAndIdentityStoreToDescribeKey",
            Effect: "Allow",
            Principal: { Service: ["identitystore.amazonaws.com", "sso.amazonaws.com"] },
            Action: "kms:DescribeKey",
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": "${aws:ResourceAccount}" } },
        },
        {
            Sid: "AllowIdentityCenterAndIdentityStoreToUseKey",
            Effect: "Allow",
            Principal: { Service: ["identitystore.amazonaws.com", "sso.amazonaws.com"] },
            Action: [
                "kms:Decrypt",
                "kms:ReEncryptTo",
                "kms:ReEncryptFrom",
                "kms:GenerateDataKeyWithoutPlaintext",
            ],
            Resource: "*",
            Condition: {
                StringEquals: { "aws:SourceAccount": "${aws:ResourceAccount}" },
                "ForAnyValue:StringEquals": {
                    "kms:EncryptionContextKeys": [
                        "aws:sso:instance-arn",
                        "aws:identitystore:identitystore-arn",
                    ],
                },
            },
        },
        {
            Sid: "AllowOrgPrincipalsViaIdentityCenterAndIdentityStore",
            Effect: "Allow",
            Principal: "*",
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: {
                StringEquals: { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" },
                StringLike: {
                    "kms:ViaService": ["sso.*.amazonaws.com", "identitystore.*.amazonaws.com"],
                },
            },
        },
    ],
};

/**
 * The data-perimeter VPC endpoint policy pattern (aws-samples/data-perimeter-policy-examples,
 * vpc_endpoint_policies): identities and resources of my organization only.
 */
const ORG_FENCE: Json = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "AllowRequestsByOrgsIdentitiesToOrgsResources",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "*",
            Resource: "*",
            Condition: {
                StringEquals: {
                    "aws:PrincipalOrgID": "o-abcd1234",
                    "aws:ResourceOrgID": "o-abcd1234",
                },
            },
        },
    ],
};

const statementWith = (condition: Json): Json => ({
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
});

/** The Identity Center policy with its fourth statement's condition replaced. */
function identityCenterWith(condition: Json): Json {
    const statements = (IDENTITY_CENTER_KEY_POLICY.Statement as Json[]).slice(0, 3);
    return {
        ...IDENTITY_CENTER_KEY_POLICY,
        Statement: [...statements, { ...(statementWith(condition).Statement as Json[])[0] }],
    };
}

async function keyPolicy(doc: Json, asString: boolean): Promise<string[]> {
    const policy = asString ? JSON.stringify(doc) : doc;
    return (await runResourcePolicy(iamNoWildcardPrincipal, aws.kms.Key, { policy })).violations;
}

describe("iam model: condition key sources (keys.ts)", () => {
    it("classifies keys by the source AWS documents", () => {
        assert.strictEqual(keySource("aws:resourceorgid"), "resource");
        assert.strictEqual(keySource("aws:resourcetag/team"), "resource");
        assert.strictEqual(keySource("iam:resourcetag/team"), "resource");
        assert.strictEqual(keySource("aws:principalorgid"), "principal");
        assert.strictEqual(keySource("aws:userid"), "principal");
        assert.strictEqual(keySource("aws:requesttag/team"), "request");
        assert.strictEqual(keySource("aws:sourceip"), "network");
        assert.strictEqual(keySource("aws:multifactorauthpresent"), "session");
        // A service key the table does not list has no source (kms:ViaService is listed now).
        assert.strictEqual(keySource("s3:prefix"), undefined);
        assert.strictEqual(keySource("kms:viaservice"), "request");
    });

    for (const asString of [false, true]) {
        const enc = asString ? "JSON string" : "object";
        describe(`must pass (${enc})`, () => {
            it("AWS's IAM Identity Center baseline KMS key policy", async () => {
                assert.deepStrictEqual(await keyPolicy(IDENTITY_CENTER_KEY_POLICY, asString), []);
            });
            it("an organization fence on aws:PrincipalOrgID and aws:ResourceOrgID", async () => {
                assert.deepStrictEqual(await keyPolicy(ORG_FENCE, asString), []);
            });
            it("aws:userid pinned to one role's unique id (AROA...:*)", async () => {
                const doc = statementWith({
                    StringLike: { "aws:userid": "AROAEXAMPLEID1234567:*" },
                });
                assert.deepStrictEqual(await keyPolicy(doc, asString), []);
            });
            it("aws:ResourceAccount equal to the caller's account", async () => {
                const doc = statementWith({
                    StringEquals: { "aws:ResourceAccount": "${aws:PrincipalAccount}" },
                });
                assert.deepStrictEqual(await keyPolicy(doc, asString), []);
            });
        });
        describe(`must flag (${enc})`, () => {
            const cases: Array<[string, Json, RegExp]> = [
                [
                    "the Identity Center policy without its org fence",
                    identityCenterWith({
                        StringLike: { "kms:ViaService": "sso.*.amazonaws.com" },
                    }),
                    /^policy Statement\[3\] allows a principal that is effectively everyone to kms:Decrypt .*none of its conditions restricts who can call/,
                ],
                [
                    "the org fence on a value the caller chooses (a request tag)",
                    identityCenterWith({
                        StringEquals: { "aws:PrincipalOrgID": "${aws:RequestTag/org}" },
                    }),
                    /^policy Statement\[3\] .*kms:Decrypt \(StringEquals aws:PrincipalOrgID uses a wildcard value\): arn:aws:iam::999999999999:user\/outsider \(account 999999999999, not named in the document\) with aws:requesttag\/org=/,
                ],
                [
                    "the org fence negated",
                    identityCenterWith({
                        StringNotEquals: { "aws:PrincipalOrgID": "${aws:ResourceOrgID}" },
                    }),
                    /^policy Statement\[3\] .*\(StringNotEquals aws:PrincipalOrgID is negated, so every other value gets in\): an anonymous caller would be allowed\./,
                ],
                [
                    "a resource-only fence (the resource is in the org, the caller anywhere)",
                    statementWith({ StringEquals: { "aws:ResourceOrgID": "o-abcd1234" } }),
                    /^policy Statement\[0\] .*: an anonymous caller, on a resource with aws:resourceorgid="o-abcd1234", would be allowed\./,
                ],
                [
                    "aws:userid with a wildcard unique id",
                    statementWith({ StringLike: { "aws:userid": "AROA*:*" } }),
                    /^policy Statement\[0\] .*\(StringLike aws:userid uses a wildcard value\): an anonymous caller would be allowed\./,
                ],
            ];
            for (const [what, doc, fragment] of cases) {
                it(what, async () => {
                    const v = await keyPolicy(doc, asString);
                    assert.strictEqual(v.length, 1, v.join("\n"));
                    assert.match(v[0], fragment);
                });
            }
        });
    }

    it("the witness of a flagged fence says which value let the outsider in", () => {
        const f = findPublicAccess(
            parsePolicyDocument(
                statementWith({ StringEquals: { "aws:ResourceOrgID": "o-abcd1234" } }),
                "resource",
            ),
            { services: ["kms"] },
        );
        assert.strictEqual(f.length, 1);
        assert.strictEqual(f[0].witness.context["aws:resourceorgid"], "o-abcd1234");
    });

    describe("aws:userid in trust policies: a pinned role unique id is that role's sessions only", () => {
        const trust = (userid: string) => ({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${SECURITY_ACCOUNT}:root` },
                    Action: "sts:AssumeRole",
                    Condition: { StringLike: { "aws:userid": userid } },
                },
            ],
        });
        for (const asString of [false, true]) {
            const enc = asString ? "JSON string" : "object";
            const run = async (userid: string) =>
                (
                    await runResourcePolicy(iamTrustRequiresMfa, aws.iam.Role, {
                        assumeRolePolicy: asString ? JSON.stringify(trust(userid)) : trust(userid),
                    })
                ).violations;
            it(`passes AROA...:* (a machine role's sessions; no user can present it) (${enc})`, async () => {
                assert.deepStrictEqual(await run("AROAEXAMPLEID1234567:*"), []);
            });
            it(`flags AIDA* (any user of the account, without MFA) (${enc})`, async () => {
                const v = await run("AIDA*");
                assert.strictEqual(v.length, 1, v.join("\n"));
                assert.match(
                    v[0],
                    /lets every IAM user of account \d{12} .* assume the role without MFA/,
                );
            });
        }
    });
});

/**
 * Key literals in a module's source that the key table lists, grouped by the array or Set literal
 * they appear in: a group of two or more is a key list the module keeps of its own.
 */
function keyListsIn(source: string): string[] {
    const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
    const out: string[] = [];
    // Bracket groups, innermost first; a group holds the keys of the groups it encloses too
    // (a Map built from [key, value] pairs is one list).
    const open: string[][] = [];
    for (const m of code.matchAll(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`|[[\]]/g)) {
        const t = m[0];
        if (t === "[") open.push([]);
        else if (t === "]") {
            const keys = open.pop() ?? [];
            if (keys.length >= 2) out.push(keys.join(", "));
            open[open.length - 1]?.push(...keys);
        } else {
            const k = t.slice(1, -1).toLowerCase();
            if (open.length && /^[a-z0-9-]+:[a-z0-9/]+$/.test(k) && keyEntry(k))
                open[open.length - 1].push(k);
        }
    }
    return out;
}

function sourcesUnder(dir: string): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...sourcesUnder(p));
        else if (e.name.endsWith(".ts")) out.push(p);
    }
    return out;
}

describe("iam model: keys.ts is the one table of condition keys", () => {
    const root = path.join(__dirname, "../..");

    it("no module under policypack/ or evidence/ keeps a key list of its own", () => {
        const offenders: string[] = [];
        const files = ["policypack", "evidence"].flatMap((d) => sourcesUnder(path.join(root, d)));
        for (const file of files) {
            if (path.basename(file) === "keys.ts") continue;
            for (const list of keyListsIn(fs.readFileSync(file, "utf8")))
                offenders.push(`${path.relative(root, file)}: [${list}]`);
        }
        assert.deepStrictEqual(offenders, [], "derive these from policypack/iam/keys.ts");
    });

    it("the guard sees the lists the modules kept before (in any case, in arrays and Sets)", () => {
        assert.deepStrictEqual(
            keyListsIn('const ORG_KEYS = ["aws:principalorgid", "aws:sourceorgid"];'),
            ["aws:principalorgid, aws:sourceorgid"],
        );
        assert.strictEqual(
            keyListsIn('const S = new Set([\n  "aws:SourceArn",\n  "kms:CallerAccount",\n]);')
                .length,
            1,
        );
        assert.deepStrictEqual(
            keyListsIn(
                'new Map([\n  ["aws:principalorgid", [undefined]],\n  ["aws:principalorgpaths", [undefined]],\n]);',
            ),
            ["aws:principalorgid, aws:principalorgpaths"],
        );
        // Actions and type tokens are not keys; one key alone is not a list.
        assert.deepStrictEqual(keyListsIn('["iam:PassRole", "iam:AttachRolePolicy"]'), []);
        assert.deepStrictEqual(keyListsIn('const K = ["aws:sourceip"];'), []);
    });

    it("records the facts of the confused-deputy keys and the keys the review found missing", () => {
        for (const k of [
            "aws:sourceaccount",
            "aws:sourcearn",
            "aws:sourceorgid",
            "aws:sourceorgpaths",
            "aws:sourceowner",
        ]) {
            const e = keyEntry(k)!;
            assert.strictEqual(e.setBy, "calling-service", k);
            assert.deepStrictEqual(e.presentFor, ["service"], k);
            assert.ok(IDENTITY_BOUND_KEYS.includes(k), k);
        }
        assert.strictEqual(keyEntry("aws:sourceaccount")!.pins, "account");
        assert.strictEqual(keyEntry("aws:sourcearn")!.pins, "arn");
        assert.strictEqual(keyEntry("aws:sourceorgid")!.pins, "org");
        assert.ok(!isSingleValued("aws:sourceorgpaths"));
        assert.ok(isSingleValued("aws:sourceaccount") && isSingleValued("aws:sourcearn"));
        assert.strictEqual(keyEntry("kms:calleraccount")!.pins, "account");
        assert.ok(CALLER_OR_TARGET_ACCOUNT_KEYS.includes("kms:calleraccount"));
        assert.ok(!isSingleValued("aws:calledvia") && isSingleValued("aws:calledviafirst"));
        assert.deepStrictEqual(keyEntry("aws:calledvialast")!.presentFor, ["aws"]);
        assert.strictEqual(keyEntry("aws:viaawsservice")!.setBy, "aws");
        assert.ok(PRINCIPAL_DERIVED_KEYS.includes("aws:principalisawsservice"));
        assert.ok(!isSingleValued("aws:principalservicenameslist"));
        assert.deepStrictEqual(keyEntry("aws:principalservicename")!.presentFor, ["service"]);
        for (const k of ["aws:vpceaccount", "aws:vpceorgid", "aws:vpceorgpaths"]) {
            assert.strictEqual(keySource(k), "network", k);
            assert.ok(IDENTITY_BOUND_KEYS.includes(k), k);
        }
        // The resource's keys say which resource, never who asks.
        for (const k of ["aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths"])
            assert.ok(!IDENTITY_BOUND_KEYS.includes(k), k);
        assert.deepStrictEqual(requesterPinKeys("org"), [
            "aws:principalorgid",
            "aws:vpceorgid",
            "aws:sourceorgid",
        ]);
    });
});

describe("iam model: the consumers read the confused-deputy keys from the table", () => {
    const anonymous: RequestPrincipal = { type: "anonymous" };
    const outsider = awsPrincipalFromArn("arn:aws:iam::999999999999:user/outsider")!;
    const service: RequestPrincipal = { type: "service", service: "sns.amazonaws.com" };
    const federated: RequestPrincipal = { type: "federated", provider: "accounts.google.com" };
    const sqsJson = (condition: Json): Json => ({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: "*",
                Action: "sqs:SendMessage",
                Resource: "arn:aws:sqs:us-east-1:111122223333:q",
                Condition: condition,
            },
        ],
    });
    const sqsPolicy = (condition: Json) => parsePolicyDocument(sqsJson(condition), "resource");
    const arnLike = { ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:*:topic" } };

    it("search: only a service principal's request carries aws:SourceArn", () => {
        const doc = sqsPolicy(arnLike);
        for (const p of [anonymous, outsider])
            assert.strictEqual(
                findAllowWitness(doc, { principals: [p], action: "sqs:SendMessage" }),
                undefined,
                p.type,
            );
        const w = findAllowWitness(doc, { principals: [service], action: "sqs:SendMessage" });
        assert.ok(w);
        assert.match(String(w.context["aws:sourcearn"]), /^arn:aws:sns:us-east-1:/);
    });

    it("search: the witness for aws:SourceArn is a request @cloud-copilot/iam-simulate allows, and the IAM caller's is not", async () => {
        const doc = sqsPolicy(arnLike);
        const w = findAllowWitness(doc, { principals: [service], action: "sqs:SendMessage" })!;
        const simulate = async (principal: string, context: Record<string, string>) => {
            const r = await runSimulation(
                {
                    request: {
                        principal,
                        action: "sqs:SendMessage",
                        resource: {
                            resource: "arn:aws:sqs:us-east-1:111122223333:q",
                            accountId: "111122223333",
                        },
                        contextVariables: context,
                    },
                    identityPolicies: [],
                    serviceControlPolicies: [],
                    resourceControlPolicies: [],
                    resourcePolicy: sqsJson(arnLike),
                },
                {},
            );
            assert.notStrictEqual(r.resultType, "error", JSON.stringify(r));
            return r.resultType !== "error" ? r.overallResult : "error";
        };
        assert.strictEqual(
            await simulate("sns.amazonaws.com", {
                "aws:SourceArn": String(w.context["aws:sourcearn"]),
            }),
            "Allowed",
        );
        // An IAM caller's request has no aws:SourceArn, and without it the statement never applies.
        assert.notStrictEqual(
            await simulate("arn:aws:iam::999999999999:user/outsider", {
                "aws:PrincipalAccount": "999999999999",
            }),
            "Allowed",
        );
    });

    it("requestShape: the confused-deputy keys are absent for every other principal", () => {
        for (const k of [
            "aws:sourceaccount",
            "aws:sourcearn",
            "aws:sourceorgid",
            "aws:sourceowner",
        ]) {
            assert.strictEqual(keyAbsentFor(service, k), false, k);
            const others: RequestPrincipal[] = [anonymous, outsider, federated];
            for (const other of others)
                assert.strictEqual(keyAbsentFor(other, k), true, `${other.type} ${k}`);
        }
        assert.strictEqual(keyAbsentFor(outsider, "aws:calledvia"), false);
        assert.strictEqual(keyAbsentFor(service, "aws:calledvia"), true);
    });

    for (const asString of [false, true]) {
        const enc = asString ? "JSON string" : "object";
        const queuePolicy = async (condition: Json): Promise<string[]> => {
            const d = sqsJson(condition);
            const policy = asString ? JSON.stringify(d) : d;
            return (
                await runResourcePolicy(iamNoWildcardPrincipal, aws.sqs.QueuePolicy, {
                    queueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/q",
                    policy,
                })
            ).violations;
        };

        it(`outsiders: Principal "*" pinned by aws:SourceAccount/aws:SourceOrgID passes (${enc})`, async () => {
            assert.deepStrictEqual(
                await queuePolicy({ StringEquals: { "aws:SourceAccount": "111122223333" } }),
                [],
            );
            assert.deepStrictEqual(
                await queuePolicy({ StringEquals: { "aws:SourceOrgID": "o-abcd1234" } }),
                [],
            );
            assert.deepStrictEqual(
                await queuePolicy({
                    ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic" },
                }),
                [],
            );
        });

        it(`outsiders: a wildcard aws:SourceAccount lets any service in, and the message says a service (${enc})`, async () => {
            const v = await queuePolicy({ StringLike: { "aws:SourceAccount": "*" } });
            assert.strictEqual(v.length, 1);
            assert.match(
                v[0],
                /the service zq9-any-service\.amazonaws\.com with aws:sourceaccount=/,
            );
            // No anonymous or IAM caller carries aws:SourceAccount: never described as one.
            assert.doesNotMatch(v[0], /anonymous caller with aws:sourceaccount/);
            assert.doesNotMatch(v[0], /user\/outsider.* with aws:sourceaccount/);
        });

        it(`outsiders: a wildcard aws:SourceArn names a service as the outsider (${enc})`, async () => {
            const v = await queuePolicy(arnLike);
            assert.strictEqual(v.length, 1);
            assert.match(v[0], /the service zq9-any-service\.amazonaws\.com with aws:sourcearn=/);
            assert.doesNotMatch(v[0], /anonymous caller with aws:sourcearn/);
        });
    }

    for (const asString of [false, true]) {
        it(`MFA: a trust usable only with aws:SourceAccount lets no IAM user in; IfExists does (${asString ? "JSON string" : "object"})`, async () => {
            const trust = (op: string) => {
                const d = {
                    Version: "2012-10-17",
                    Statement: {
                        Effect: "Allow",
                        Principal: { AWS: "arn:aws:iam::123456789012:root" },
                        Action: "sts:AssumeRole",
                        Condition: { [op]: { "aws:SourceAccount": "123456789012" } },
                    },
                };
                return runResourcePolicy(iamTrustRequiresMfa, aws.iam.Role, {
                    assumeRolePolicy: asString ? JSON.stringify(d) : d,
                });
            };
            // A person's sts:AssumeRole carries no aws:SourceAccount: StringEquals never matches.
            assert.deepStrictEqual((await trust("StringEquals")).violations, []);
            const v = (await trust("StringEqualsIfExists")).violations;
            assert.strictEqual(v.length, 1);
            assert.match(v[0], /every IAM user of account 123456789012.*without MFA/);
        });
    }

    it("admin: an escalation grant usable only with aws:SourceAccount is not admin; IfExists is", () => {
        const grant = (op: string) =>
            findAdminGrants(
                parsePolicyDocument(
                    {
                        Version: "2012-10-17",
                        Statement: {
                            Effect: "Allow",
                            Action: "iam:AttachRolePolicy",
                            Resource: "*",
                            Condition: { [op]: { "aws:SourceAccount": "111122223333" } },
                        },
                    },
                    "identity",
                ),
            ).map((f) => f.reason);
        // An IAM principal's own request never carries aws:SourceAccount.
        assert.deepStrictEqual(grant("StringEquals"), []);
        assert.deepStrictEqual(grant("StringEqualsIfExists"), ["escalation"]);
    });
});
