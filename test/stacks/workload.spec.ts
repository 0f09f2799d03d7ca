import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config";
import { PlanMocks } from "../../plan/mocks";
import { DefaultProviderError, planStack } from "../../plan/run";
import { buildStack } from "../../stacks";
import { accountResourceName } from "../../stacks/resourceNames";
import {
    DEV,
    one,
    ofType,
    planWorkload,
    PROD,
    rejection,
    SECURITY,
    stackFileOf,
    STAGING,
    workloadValues,
} from "../helpers";

const ACCOUNTS = [
    { name: "prod", accountId: PROD },
    { name: "staging", accountId: STAGING },
];

describe("workload stack", () => {
    describe("one provider per account", () => {
        it("pins every provider to its one account and assumes that account's deploy role", async () => {
            const plan = await planWorkload(
                workloadValues({
                    workloadAccounts: [
                        ACCOUNTS[0],
                        {
                            name: "staging",
                            accountId: STAGING,
                            deployRoleName: "Deployer",
                            deployExternalId: "deploy-ext-id",
                        },
                    ],
                }),
                { secretKeys: ["workloadAccounts"] },
            );
            const providers = ofType(plan, "pulumi:providers:aws");
            assert.deepStrictEqual(
                providers.map((p) => [
                    p.name,
                    JSON.parse(String(p.props.allowedAccountIds)),
                    JSON.parse(String(p.props.assumeRoles)),
                    p.props.region,
                ]),
                [
                    [
                        accountResourceName(PROD),
                        [PROD],
                        [
                            {
                                roleArn: `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
                                sessionName: "org-access-workload",
                            },
                        ],
                        "us-east-1",
                    ],
                    [
                        accountResourceName(STAGING),
                        [STAGING],
                        [
                            {
                                roleArn: `arn:aws:iam::${STAGING}:role/Deployer`,
                                sessionName: "org-access-workload",
                                externalId: "deploy-ext-id",
                            },
                        ],
                        "us-east-1",
                    ],
                ],
            );
        });

        it("deploys every resource through an explicit provider of the account it belongs to", async () => {
            const plan = await planWorkload(workloadValues());
            const cloud = plan.resources.filter((r) => r.type.startsWith("aws:"));
            assert.ok(cloud.length >= 8);
            for (const r of cloud) {
                assert.ok(r.provider, `${r.type} ${r.name} names no provider`);
                const expected = r.name.startsWith(`${accountResourceName(PROD)}-`)
                    ? PROD
                    : STAGING;
                assert.strictEqual(r.accountId, expected, `${r.name} goes to ${r.accountId}`);
                assert.strictEqual(r.provider?.name, accountResourceName(expected));
            }
        });

        it("fails the plan if any resource would fall back to the default provider", async () => {
            const e = await rejection(
                planStack({
                    stack: "workload",
                    stackFile: stackFileOf(workloadValues()),
                    build: () => {
                        const outputs = buildStack("workload");
                        new aws.s3.Bucket("stray", {});
                        return outputs;
                    },
                }),
            );
            assert.ok(e instanceof DefaultProviderError, String(e));
            assert.deepStrictEqual(e.resources, ["aws:s3/bucket:Bucket stray"]);
        });
    });

    describe("adding and removing accounts", () => {
        const urns = async (accounts: object[]) =>
            new Set(
                (await planWorkload(workloadValues({ workloadAccounts: accounts }))).resources.map(
                    (r) => r.urn,
                ),
            );

        it("adding one entry adds exactly that account's provider, component and resources", async () => {
            const before = await urns(ACCOUNTS);
            const after = await urns([...ACCOUNTS, { name: "dev", accountId: DEV }]);
            const added = [...after].filter((u) => !before.has(u)).sort();
            assert.deepStrictEqual(
                [...before].filter((u) => !after.has(u)),
                [],
                "nothing is removed",
            );
            // Named from the account id (acct-999988887777), not from the entry's name.
            assert.deepStrictEqual(added, [
                `urn:pulumi:workload::org-access::org-access:access:AuditRole$aws:iam/role:Role::acct-${DEV}-role`,
                `urn:pulumi:workload::org-access::org-access:access:AuditRole$aws:iam/rolePolicy:RolePolicy::acct-${DEV}-deny`,
                `urn:pulumi:workload::org-access::org-access:access:AuditRole$aws:iam/rolePolicyAttachment:RolePolicyAttachment::acct-${DEV}-securityaudit`,
                `urn:pulumi:workload::org-access::org-access:access:AuditRole$aws:iam/rolePolicyAttachment:RolePolicyAttachment::acct-${DEV}-viewonlyaccess`,
                `urn:pulumi:workload::org-access::org-access:access:AuditRole::acct-${DEV}`,
                `urn:pulumi:workload::org-access::pulumi:providers:aws::acct-${DEV}`,
            ]);
        });

        it("removing one entry removes only that account's resources, whatever its position", async () => {
            const all = await urns([{ name: "dev", accountId: DEV }, ...ACCOUNTS]);
            const without = await urns(ACCOUNTS);
            const removed = [...all].filter((u) => !without.has(u));
            assert.strictEqual(removed.length, 6);
            for (const u of removed) assert.match(u, new RegExp(`::acct-${DEV}(-[a-z]+)?$`));
            assert.deepStrictEqual(
                [...without].filter((u) => !all.has(u)),
                [],
            );
        });
    });

    describe("trusted principals", () => {
        const fromStack = {
            // A path of their own, so the trust shows where it came from.
            humanArns: [`arn:aws:iam::${SECURITY}:user/from-stack/carol`],
            reporters: [
                {
                    name: "scanner",
                    arn: `arn:aws:iam::${SECURITY}:user/org-access/scanner`,
                    externalId: "scanner-external-id",
                },
            ],
        };

        it("reads them from the security stack through a StackReference by default", async () => {
            const values = workloadValues();
            delete values.trustedPrincipals;
            const plan = await planWorkload(values, {
                stackOutputs: {
                    "organization/org-access/security": { trustedPrincipals: fromStack },
                },
            });
            const ref = one(plan, "pulumi:pulumi:StackReference", "security");
            assert.strictEqual(ref.props.name, "organization/org-access/security");
            const trust = JSON.parse(
                String(
                    one(plan, "aws:iam/role:Role", `${accountResourceName(PROD)}-role`).props
                        .assumeRolePolicy,
                ),
            );
            // The security account, narrowed to the people under the exported users' path.
            assert.deepStrictEqual(trust.Statement[0].Principal, {
                AWS: `arn:aws:iam::${SECURITY}:root`,
            });
            assert.deepStrictEqual(trust.Statement[0].Condition.ArnLike, {
                "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:user/from-stack/*`,
            });
            assert.deepStrictEqual(trust.Statement[1].Condition, {
                StringEquals: { "sts:ExternalId": "scanner-external-id" },
            });
        });

        it("uses the stack named by securityStack", async () => {
            const values = workloadValues({ securityStack: "acme/org-access/security-prod" });
            delete values.trustedPrincipals;
            const plan = await planWorkload(values, {
                stackOutputs: { "acme/org-access/security-prod": { trustedPrincipals: fromStack } },
            });
            assert.strictEqual(
                one(plan, "pulumi:pulumi:StackReference", "security").props.name,
                "acme/org-access/security-prod",
            );
        });

        it("uses the trustedPrincipals config instead, with no StackReference at all", async () => {
            const plan = await planWorkload(workloadValues());
            assert.deepStrictEqual(ofType(plan, "pulumi:pulumi:StackReference"), []);
            const trust = JSON.parse(
                String(
                    one(plan, "aws:iam/role:Role", `${accountResourceName(STAGING)}-role`).props
                        .assumeRolePolicy,
                ),
            );
            assert.deepStrictEqual(trust.Statement[0].Principal, {
                AWS: `arn:aws:iam::${SECURITY}:root`,
            });
            assert.deepStrictEqual(trust.Statement[0].Condition.ArnLike, {
                "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:user/org-access/*`,
            });
        });

        it("fails when the security stack has no trustedPrincipals output", async () => {
            const values = workloadValues();
            delete values.trustedPrincipals;
            const e = await rejection(
                planWorkload(values, {
                    stackOutputs: { "organization/org-access/security": { other: 1 } },
                }),
            );
            assert.match(e.message, /trustedPrincipals/);
        });
    });

    it("rejects a config error before registering any resource", async () => {
        const e = await rejection(
            planWorkload(workloadValues({ workloadAccounts: [{ name: "prod", accountId: "1" }] })),
        );
        assert.match(
            e.message,
            /org-access:workloadAccounts\[0\]\.accountId: must be exactly 12 digits/,
        );
        // The same, watching the monitor: the valid second account must not be half-deployed.
        const mocks = new PlanMocks({ region: "us-east-1", partition: "aws" });
        await pulumi.runtime.setMocks(mocks, "org-access", "workload", false);
        const { config, secretKeys } = stackFileOf(
            workloadValues({ workloadAccounts: [ACCOUNTS[0], { name: "bad", accountId: "x" }] }),
        );
        pulumi.runtime.setAllConfig(config, secretKeys);
        assert.throws(() => buildStack("workload"), ConfigError);
        await new Promise((r) => setTimeout(r, 50));
        assert.deepStrictEqual(mocks.resources, []);
    });

    it("refuses an unknown stack name", () => {
        assert.throws(
            () => buildStack("prod"),
            /unknown stack "prod": name it "security", "workload" or "workload-<shard>"/,
        );
    });
});
