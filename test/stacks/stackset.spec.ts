import * as assert from "assert";
import {
    auditDenyPolicy,
    policyCharacters,
    ROLE_INLINE_POLICY_QUOTA,
} from "../../components/auditRole";
import { auditRoleTemplateBody, TEMPLATE_BODY_MAX_BYTES } from "../../components/auditRoleStackSet";
import { ConfigError, validateWorkloadConfig } from "../../config";
import { accessModel } from "../../evidence/model";
import { evidenceMatrix, mismatches } from "../../evidence/simulate";
import { checkResources } from "../../policypack/runner";
import { PlanResult, toPackResource } from "../../plan/run";
import { accountResourceName } from "../../stacks/resourceNames";
import {
    MANAGEMENT,
    one,
    ofType,
    planSecurity,
    planWorkload,
    PROD,
    projectWith,
    rejection,
    SECURITY,
    securityValues,
    STAGING,
    workloadValues,
} from "../helpers";

const STACKSET = {
    deploymentMode: "stackset",
    stackSet: {
        adminAccount: { accountId: MANAGEMENT, deployRoleName: "OrgAccessDeployRole" },
        organizationalUnitIds: ["ou-ab12-cdefgh34", "ou-ab12-ijklmn56"],
    },
};

describe("workload stack in StackSet mode", () => {
    let stackset: PlanResult;
    let provider: PlanResult;
    before(async () => {
        stackset = await planWorkload(workloadValues(STACKSET));
        provider = await planWorkload(workloadValues());
    });
    const template = () =>
        JSON.parse(
            String(
                one(stackset, "aws:cloudformation/stackSet:StackSet", "audit-role-stackset").props
                    .templateBody,
            ),
        );

    it("creates a service-managed, auto-deploying StackSet in the administrator account, and no per-account provider", () => {
        const set = one(stackset, "aws:cloudformation/stackSet:StackSet", "audit-role-stackset");
        assert.strictEqual(set.accountId, MANAGEMENT);
        assert.strictEqual(set.props.permissionModel, "SERVICE_MANAGED");
        assert.deepStrictEqual(set.props.autoDeployment, {
            enabled: true,
            retainStacksOnAccountRemoval: false,
        });
        assert.deepStrictEqual(set.props.capabilities, ["CAPABILITY_NAMED_IAM"]);
        assert.strictEqual(set.props.callAs, "SELF");
        assert.deepStrictEqual(
            set.secretProps,
            ["templateBody"],
            "the template carries ExternalIds",
        );
        assert.deepStrictEqual(
            ofType(stackset, "pulumi:providers:aws").map((p) => p.accountId),
            [MANAGEMENT],
        );
        assert.deepStrictEqual(ofType(stackset, "aws:iam/role:Role"), []);
        const instance = one(
            stackset,
            "aws:cloudformation/stackSetInstance:StackSetInstance",
            "audit-role-us-east-1",
        );
        assert.deepStrictEqual(instance.props.deploymentTargets, {
            organizationalUnitIds: ["ou-ab12-cdefgh34", "ou-ab12-ijklmn56"],
        });
        assert.strictEqual(instance.props.stackSetInstanceRegion, "us-east-1");
        assert.strictEqual(instance.accountId, MANAGEMENT);
        // Deleting the instance keeps each account's role stack instead of deleting the roles.
        assert.strictEqual(instance.props.retainStack, true);
    });

    it("generates the template from the same definition as the AuditRole component", () => {
        const t = template();
        assert.deepStrictEqual(Object.keys(t.Resources), ["SecurityAuditRole"]);
        const role = t.Resources.SecurityAuditRole;
        assert.strictEqual(role.Type, "AWS::IAM::Role");
        const native = one(
            provider,
            "aws:iam/role:Role",
            `${accountResourceName(PROD)}-role`,
        ).props;
        assert.deepStrictEqual(
            role.Properties.AssumeRolePolicyDocument,
            JSON.parse(String(native.assumeRolePolicy)),
        );
        assert.strictEqual(role.Properties.MaxSessionDuration, native.maxSessionDuration);
        assert.strictEqual(role.Properties.RoleName, native.name);
        assert.deepStrictEqual(role.Properties.Policies, [
            {
                PolicyName: "org-access-explicit-deny",
                PolicyDocument: JSON.parse(
                    String(
                        one(
                            provider,
                            "aws:iam/rolePolicy:RolePolicy",
                            `${accountResourceName(PROD)}-deny`,
                        ).props.policy,
                    ),
                ),
            },
        ]);
        assert.deepStrictEqual(
            role.Properties.ManagedPolicyArns,
            ofType(provider, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => a.accountId === PROD)
                .map((a) => a.props.policyArn),
        );
    });

    it("carries the whole data-read Deny and the default read policies, within CloudFormation's and IAM's limits", () => {
        const set = one(stackset, "aws:cloudformation/stackSet:StackSet", "audit-role-stackset");
        const role = template().Resources.SecurityAuditRole.Properties;
        assert.deepStrictEqual(role.Policies, [
            { PolicyName: "org-access-explicit-deny", PolicyDocument: auditDenyPolicy() },
        ]);
        assert.deepStrictEqual(role.ManagedPolicyArns, [
            "arn:aws:iam::aws:policy/SecurityAudit",
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        ]);
        const inline = role.Policies.reduce(
            (n: number, p: { PolicyDocument: unknown }) => n + policyCharacters(p.PolicyDocument),
            0,
        );
        assert.ok(inline <= ROLE_INLINE_POLICY_QUOTA, `${inline} characters of inline policy`);
        const bytes = Buffer.byteLength(String(set.props.templateBody), "utf8");
        assert.ok(bytes <= TEMPLATE_BODY_MAX_BYTES, `${bytes} bytes of TemplateBody`);
        // A template CloudFormation would refuse is refused at plan time instead. People take one
        // trust statement however many they are; each reporter takes its own.
        const args = {
            trustedAccountId: "111122223333",
            roleName: "SecurityAuditRole",
            path: "/",
            mfaMaxAgeSeconds: 3600,
            managedPolicies: ["SecurityAudit", "ViewOnlyAccess"] as const,
            partition: "aws",
            tags: {},
        };
        const many = Array.from(
            { length: 1000 },
            (_, i) => `arn:aws:iam::111122223333:user/org-access/auditor-${i}`,
        );
        assert.ok(auditRoleTemplateBody(many, [], args).length <= TEMPLATE_BODY_MAX_BYTES);
        const programs = Array.from({ length: 300 }, (_, i) => ({
            arn: `arn:aws:iam::111122223333:user/org-access/reporter-${i}`,
            externalId: `ext-id-${String(i).padStart(16, "0")}`,
            sourceIps: [`198.51.100.${i % 250}/32`],
        }));
        assert.throws(
            () => auditRoleTemplateBody(many, programs, args),
            /CloudFormation template is \d+ bytes; CloudFormation accepts a TemplateBody of at most 51200/,
        );
    });

    it("keeps the access profiles and exact role ARNs of the listed accounts", () => {
        assert.deepStrictEqual(stackset.outputs.auditRoleArns, {
            prod: `arn:aws:iam::${PROD}:role/SecurityAuditRole`,
            staging: `arn:aws:iam::${STAGING}:role/SecurityAuditRole`,
        });
        assert.deepStrictEqual(stackset.outputs.accessProfiles, provider.outputs.accessProfiles);
        assert.strictEqual(stackset.outputs.deploymentMode, "stackset");
    });

    it("is covered by the evidence matrix, for every listed account", () => {
        const evidence = evidenceMatrix(accessModel({ stack: stackset }));
        assert.strictEqual(evidence.length, 28);
        assert.deepStrictEqual(mismatches(evidence), []);
        assert.deepStrictEqual([...new Set(evidence.map((e) => e.accountId))], [PROD, STAGING]);
        const broken = JSON.parse(JSON.stringify(stackset)) as PlanResult;
        const set = broken.resources.find(
            (r) => r.type === "aws:cloudformation/stackSet:StackSet",
        )!;
        const t = template();
        delete t.Resources.SecurityAuditRole.Properties.AssumeRolePolicyDocument.Statement[0]
            .Condition;
        (set.props as Record<string, unknown>).templateBody = JSON.stringify(t);
        const e = evidenceMatrix(accessModel({ stack: broken })).find(
            (x) => x.accountId === PROD && x.scenario === "assume-without-mfa",
        )!;
        assert.strictEqual(e.simulated, "allowed", "a template without MFA is caught");
    });

    it("plans clean under the policy pack, which reads the roles inside the template", () => {
        const forPack = (p: PlanResult) => p.resources.map(toPackResource);
        assert.deepStrictEqual(checkResources(forPack(stackset)), []);
        const broken = JSON.parse(JSON.stringify(stackset)) as PlanResult;
        const t = template();
        t.Resources.SecurityAuditRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition = {
            BoolIfExists: { "aws:MultiFactorAuthPresent": "true" },
        };
        (
            broken.resources.find((r) => r.type === "aws:cloudformation/stackSet:StackSet")!
                .props as Record<string, unknown>
        ).templateBody = JSON.stringify(t);
        assert.deepStrictEqual(
            checkResources(forPack(broken)).map((v) => [v.policy, v.resource]),
            [["iam-trust-requires-mfa", "audit-role-stackset"]],
        );
    });

    it("iam-no-admin-principals reads the audit role inside the template: clean as planned, flagged when its deny gives way to PassRole beside AmazonEC2FullAccess", () => {
        const forPack = (p: PlanResult) => p.resources.map(toPackResource);
        const admin = (p: PlanResult) =>
            checkResources(forPack(p)).filter((v) => v.policy === "iam-no-admin-principals");
        assert.deepStrictEqual(admin(stackset), []);
        const broken = JSON.parse(JSON.stringify(stackset)) as PlanResult;
        const t = template();
        const role = t.Resources.SecurityAuditRole.Properties;
        role.ManagedPolicyArns.push("arn:aws:iam::aws:policy/AmazonEC2FullAccess");
        // In place of its explicit deny of writes, which would otherwise deny both.
        role.Policies = [
            {
                PolicyName: "pass",
                PolicyDocument: {
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }],
                },
            },
        ];
        (
            broken.resources.find((r) => r.type === "aws:cloudformation/stackSet:StackSet")!
                .props as Record<string, unknown>
        ).templateBody = JSON.stringify(t);
        const found = admin(broken);
        assert.deepStrictEqual(
            found.map((v) => v.resource),
            ["audit-role-stackset"],
        );
        assert.ok(
            found[0].message.includes('Role "SecurityAuditRole" is admin-equivalent') &&
                found[0].message.includes("AmazonEC2FullAccess") &&
                found[0].message.includes("iam:PassRole"),
            found[0].message,
        );
    });

    it("refuses a wildcard principal before building the template", async () => {
        const values = workloadValues({ ...STACKSET, trustedPrincipals: undefined });
        delete values.trustedPrincipals;
        await assert.rejects(
            planWorkload(values, {
                stackOutputs: {
                    "organization/org-access/security": {
                        trustedPrincipals: {
                            humanArns: [`arn:aws:iam::${PROD}:user/eve`],
                            reporters: [],
                        },
                    },
                },
            }),
            /AuditRoleStackSet audit-role: refusing to create a trust policy/,
        );
    });

    it("validates the mode and its settings, reporting every problem", () => {
        const problems = (values: Record<string, unknown>) => {
            try {
                validateWorkloadConfig({ values: workloadValues(values), region: "us-east-1" });
            } catch (e) {
                assert.ok(e instanceof ConfigError);
                return e.message.split("\n").slice(1);
            }
            return [];
        };
        assert.deepStrictEqual(problems({ deploymentMode: "stackset" }), [
            "* org-access:stackSet: is required when deploymentMode is stackset (pulumi config set --path 'org-access:stackSet.organizationalUnitIds[0]' ou-ab12-cdefgh34 && pulumi config set --path 'org-access:stackSet.adminAccount.accountId' 123456789012 --type string)",
        ]);
        assert.deepStrictEqual(problems({ stackSet: STACKSET.stackSet }), [
            "* org-access:stackSet: is set but deploymentMode is provider, so it would be ignored (pulumi config set org-access:deploymentMode stackset, or remove stackSet)",
        ]);
        const lines = problems({
            ...STACKSET,
            stackSet: { ...STACKSET.stackSet, organizationalUnitIds: ["ou-bad"] },
            workloadAccounts: [{ name: "prod", accountId: PROD, breakGlassRole: true }],
        });
        assert.match(
            lines[0],
            /stackSet\.organizationalUnitIds\[0\]: must be an OU id such as ou-ab12-cdefgh34/,
        );
        assert.match(
            lines[1],
            /workloadAccounts\[0\]\.breakGlassRole: is not supported in stackset mode/,
        );
        assert.ok(lines.length >= 2, lines.join("\n"));
        assert.deepStrictEqual(
            problems({ ...STACKSET, deploymentMode: "cloudformation" }).map((l) => l.split(":")[1]),
            ["deploymentMode"],
        );
        assert.deepStrictEqual(problems(STACKSET), []);
    });
});

describe("several workload stacks in StackSet mode, seen by the security stack", () => {
    const stack = (accountId: string, name: string, stackSet: Record<string, unknown>) => ({
        securityAccountId: SECURITY,
        deploymentMode: "stackset",
        stackSet: { ...STACKSET.stackSet, ...stackSet },
        workloadAccounts: [{ name, accountId }],
    });
    const plan = (a: Record<string, unknown>, b: Record<string, unknown>) =>
        planSecurity(
            securityValues({ workloadStacks: ["workload-a", "workload-b"] }),
            projectWith({
                "workload-a": stack(PROD, "prod", a),
                "workload-b": stack(STAGING, "staging", b),
            }),
        );

    it("accepts each with its own stackSet.name and disjoint OUs", async () => {
        const p = await plan(
            { name: "org-access-a", organizationalUnitIds: ["ou-ab12-cdefgh34"] },
            { name: "org-access-b", organizationalUnitIds: ["ou-ab12-ijklmn56"] },
        );
        assert.ok(p.resources.length > 0);
    });

    it("refuses a StackSet name or an OU two stacks share, naming the key and both stacks", async () => {
        // The review's case: both leave the default name and list the same OU.
        const both = String(
            await rejection(
                plan(
                    { organizationalUnitIds: ["ou-ab12-cdefgh34"] },
                    { organizationalUnitIds: ["ou-ab12-cdefgh34"] },
                ),
            ),
        );
        assert.deepStrictEqual(
            both.split("\n").filter((l) => l.startsWith("* ")),
            [
                `* org-access:workloadStacks[1]: stack "workload-b" names its StackSet "org-access-audit-role" (stackSet.name), as stack "workload-a" does: a StackSet name is unique in its administrator account's Region, so both stacks would manage one StackSet (pulumi config set --stack workload-b --path 'org-access:stackSet.name' org-access-workload-b)`,
                `* org-access:workloadStacks[1]: stack "workload-b" lists OU ou-ab12-cdefgh34 in stackSet.organizationalUnitIds, as stack "workload-a" does: both StackSets would create the same roles in its accounts (list each OU in one stack's stackSet.organizationalUnitIds only)`,
            ],
        );
        // Each clash on its own: one shared OU among others, and one shared explicit name.
        assert.match(
            String(
                await rejection(
                    plan(
                        { name: "org-access-a", organizationalUnitIds: ["ou-ab12-cdefgh34"] },
                        {
                            name: "org-access-b",
                            organizationalUnitIds: ["ou-ab12-ijklmn56", "ou-ab12-cdefgh34"],
                        },
                    ),
                ),
            ),
            /^\* org-access:workloadStacks\[1\]: stack "workload-b" lists OU ou-ab12-cdefgh34 .*\)$/m,
        );
        const named = String(
            await rejection(
                plan(
                    { name: "shared", organizationalUnitIds: ["ou-ab12-cdefgh34"] },
                    { name: "shared", organizationalUnitIds: ["ou-ab12-ijklmn56"] },
                ),
            ),
        );
        assert.match(named, /stack "workload-b" names its StackSet "shared" \(stackSet\.name\)/);
        assert.doesNotMatch(named, /lists OU/);
    });
});
