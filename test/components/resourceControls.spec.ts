// Resource control policies: what the security stack plans, what the documents decide (asked of
// the project's one evaluator, as AWS combines RCPs), the config's rules and the size check.
import * as assert from "assert";
import { ConfigError, validateSecurityConfig } from "../../config";
import { perimeterTreatment } from "../../components/rcpServices";
import { RCP_SERVICES } from "../../policypack/policies/rcp";
import { rcpDefinitions, ResourceControlInputs } from "../../components/resourceControls";
import { PlanResult } from "../../plan/run";
import {
    Authorization,
    authorize,
    awsPrincipalFromArn,
    NamedPolicy,
    parsePolicyDocument,
    RCP_FULL_AWS_ACCESS,
    RequestPrincipal,
} from "../../policypack/iam";
import {
    LOG_ARCHIVE,
    MANAGEMENT,
    ofType,
    planSecurity,
    problems,
    PROD,
    projectWith,
    SECURITY,
    securityValues,
    STAGING,
} from "../helpers";

const ORG = "o-abcdefghij";
const PARTNER = "210987654321";
const PARTNER_ORG = "o-partner1234";
const STRANGER = "012345678901";
const POLICY = "aws:organizations/policy:Policy";
const ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment";
const TRAIL = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-access`;
const BUCKET = `arn:aws:s3:::org-access-trail-${LOG_ARCHIVE}-us-east-1`;
/** The trail key's alias (components/orgTrail.ts, logKeyAliasName of the default trail name). */
const KEY_ALIAS = "alias/org-access/org-access";
const TRAIL_KEY = { region: "us-east-1", accountId: LOG_ARCHIVE, aliasName: KEY_ALIAS };
const workload = {
    securityAccountId: SECURITY,
    workloadAccounts: [
        { name: "prod", accountId: PROD },
        { name: "staging", accountId: STAGING },
    ],
};

/** An RCP-only answer: denied (with the deciding statements) or passing the RCPs. */
function verdict(r: Authorization): {
    decision: "ExplicitDeny" | "passes";
    denies: { label: string }[];
} {
    return {
        decision: r.decision === "ExplicitDeny" ? "ExplicitDeny" : "passes",
        denies: r.denies.map((d) => ({ label: d.label })),
    };
}

/** The statement of an RCP's content with this Sid. */
function statementOf(content: string, sid: string): any {
    const found = JSON.parse(content).Statement.find((s: { Sid?: string }) => s.Sid === sid);
    assert.ok(found, `no statement ${sid} in ${content}`);
    return found;
}

const validate = (values: Record<string, unknown>) =>
    validateSecurityConfig({ values, region: "us-east-1" }, "security");

describe("ResourceControls (resource control policies)", () => {
    let plan: PlanResult;
    let rcps: NamedPolicy[];
    let keyArn: string;
    before(async () => {
        plan = await planSecurity(
            securityValues({
                resourceControlPolicies: {
                    targets: ["r-ab12", "ou-ab12-cdefgh34"],
                    trustedAccountIds: [PARTNER],
                    trustedOrganizationIds: [PARTNER_ORG],
                },
                breakGlass: { users: ["dana"] },
            }),
            projectWith({ workload }),
        );
        keyArn = String(plan.outputs.trailKeyArn);
        rcps = ofType(plan, POLICY).map((p) => ({
            label: `RCP ${String(p.props.name)}`,
            doc: parsePolicyDocument(String(p.props.content), "resource"),
        }));
    });

    /**
     * The RCPs' decision on one request, RCPFullAWSAccess attached as AWS attaches it: "passes"
     * when no RCP denies (whether other policies grant it is not theirs to say).
     */
    function decide(
        principal: RequestPrincipal,
        action: string,
        resource: string,
        context: Record<string, string> = {},
    ) {
        return verdict(
            authorize(
                {
                    principal,
                    action,
                    resource,
                    resourceAccount: resource.split(":")[4] || PROD,
                    context,
                },
                { rcps: [...rcps, RCP_FULL_AWS_ACCESS] },
            ),
        );
    }
    const aws = (arn: string) => awsPrincipalFromArn(arn) as RequestPrincipal;
    const inOrg = { "aws:PrincipalOrgID": ORG };

    it("creates two RCPs in the management account, the perimeter attached to every target and the trail's to the log-archive account, and lists them in the stack's outputs", async () => {
        const policies = ofType(plan, POLICY);
        assert.deepStrictEqual(
            policies.map((p) => [p.props.name, p.props.type, p.accountId]).sort(),
            [
                ["org-access-perimeter", "RESOURCE_CONTROL_POLICY", MANAGEMENT],
                ["org-access-trail-logs", "RESOURCE_CONTROL_POLICY", MANAGEMENT],
            ],
        );
        assert.deepStrictEqual(
            ofType(plan, ATTACHMENT)
                .map((a) => `${a.name} -> ${String(a.props.targetId)} @ ${a.accountId}`)
                .sort(),
            [
                `resource-controls-perimeter-ou-ab12-cdefgh34 -> ou-ab12-cdefgh34 @ ${MANAGEMENT}`,
                `resource-controls-perimeter-r-ab12 -> r-ab12 @ ${MANAGEMENT}`,
                // The trail RCP names the log-archive account's bucket and key only: attached there.
                `resource-controls-trail-logs-${LOG_ARCHIVE} -> ${LOG_ARCHIVE} @ ${MANAGEMENT}`,
            ],
        );
        const out = plan.outputs.resourceControlPolicies as Record<
            string,
            { targets: string[]; content: string }
        >;
        assert.deepStrictEqual(Object.keys(out).sort(), [
            "org-access-perimeter",
            "org-access-trail-logs",
        ]);
        for (const p of policies)
            assert.strictEqual(out[String(p.props.name)].content, p.props.content);
        assert.deepStrictEqual(out["org-access-perimeter"].targets, ["r-ab12", "ou-ab12-cdefgh34"]);
        assert.deepStrictEqual(out["org-access-trail-logs"].targets, [LOG_ARCHIVE]);
        // The trail RCP names the key by its alias, known from config (a first preview sees the
        // document), and the alias is the one the plan puts on the trail's key.
        const content = out["org-access-trail-logs"].content;
        assert.ok(!content.includes(keyArn), keyArn);
        const alias = ofType(plan, "aws:kms/alias:Alias").find(
            (a) => a.name === "org-trail-key-alias",
        )!;
        assert.strictEqual(alias.props.name, KEY_ALIAS);
        assert.strictEqual(alias.accountId, LOG_ARCHIVE);
        assert.deepStrictEqual(
            statementOf(content, "KeepTrailKeyToWriters").Resource,
            `arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/*`,
        );
        assert.deepStrictEqual(
            statementOf(content, "KeepTrailKeyToWriters").Condition["ForAnyValue:StringEquals"],
            { "kms:ResourceAliases": KEY_ALIAS },
        );
    });

    it('keeps to the RCP grammar: Deny only, Principal "*", no NotAction or NotPrincipal, within 5,120 characters', () => {
        for (const p of ofType(plan, POLICY)) {
            const content = String(p.props.content);
            assert.ok(content.length <= 5120, `${String(p.props.name)}: ${content.length}`);
            for (const s of JSON.parse(content).Statement as Record<string, unknown>[]) {
                assert.strictEqual(s.Effect, "Deny");
                assert.strictEqual(s.Principal, "*");
                assert.ok(!("NotAction" in s) && !("NotPrincipal" in s), JSON.stringify(s));
            }
        }
    });

    it("creates nothing, and exports no RCPs, without the key", async () => {
        const p = await planSecurity(securityValues(), projectWith({ workload }));
        assert.deepStrictEqual(ofType(p, POLICY), []);
        assert.strictEqual(p.outputs.resourceControlPolicies, undefined);
    });

    it("denies principals outside the organization every covered service, and lets the organization and its partners in", () => {
        const outsider = aws(`arn:aws:iam::${STRANGER}:role/x`);
        const object = `arn:aws:s3:::app-data/report.csv`;
        for (const [action, resource] of [
            ["s3:GetObject", object],
            ["sts:AssumeRole", `arn:aws:iam::${PROD}:role/SecurityAuditRole`],
            ["kms:Decrypt", `arn:aws:kms:us-east-1:${PROD}:key/1`],
            ["sqs:SendMessage", `arn:aws:sqs:us-east-1:${PROD}:q`],
            ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:${PROD}:secret:s`],
        ]) {
            const r = decide(outsider, action, resource);
            assert.strictEqual(r.decision, "ExplicitDeny", action);
            assert.strictEqual(
                r.denies[0].label,
                'RCP org-access-perimeter Statement[0] (Sid "EnforceOrgIdentities")',
            );
            assert.strictEqual(
                decide(aws(`arn:aws:iam::${STAGING}:role/app`), action, resource, inOrg).decision,
                "passes",
                action,
            );
        }
        assert.strictEqual(
            decide(aws(`arn:aws:iam::${PARTNER}:role/x`), "s3:GetObject", object).decision,
            "passes",
        );
        assert.strictEqual(
            decide(outsider, "s3:GetObject", object, { "aws:PrincipalOrgID": PARTNER_ORG })
                .decision,
            "passes",
        );
        // Federated callers (the CI identity's GitHub OIDC trust) carry no organization: their
        // AssumeRoleWithWebIdentity is the trust policy's to fence.
        assert.strictEqual(
            decide(
                { type: "federated", provider: "token.actions.githubusercontent.com" },
                "sts:AssumeRoleWithWebIdentity",
                `arn:aws:iam::${MANAGEMENT}:role/org-access-github-deploy`,
            ).decision,
            "passes",
        );
        // A service the RCPs do not cover is not theirs to decide.
        assert.strictEqual(
            decide(outsider, "sns:Publish", `arn:aws:sns:us-east-1:${PROD}:t`).decision,
            "passes",
        );
    });

    it("lets AWS services act for the organization and its partners only (confused deputy)", () => {
        const sns = { type: "service" as const, service: "sns.amazonaws.com" };
        const queue = `arn:aws:sqs:us-east-1:${PROD}:q`;
        assert.strictEqual(
            decide(sns, "sqs:SendMessage", queue, {
                "aws:SourceAccount": PROD,
                "aws:SourceOrgID": ORG,
            }).decision,
            "passes",
        );
        assert.strictEqual(
            decide(sns, "sqs:SendMessage", queue, { "aws:SourceAccount": PARTNER }).decision,
            "passes",
        );
        const r = decide(sns, "sqs:SendMessage", queue, { "aws:SourceAccount": STRANGER });
        assert.strictEqual(r.decision, "ExplicitDeny");
        assert.strictEqual(
            r.denies[0].label,
            'RCP org-access-perimeter Statement[1] (Sid "EnforceConfusedDeputyProtection")',
        );
        // A service that says for no one whom it acts keeps working, as AWS's example intends.
        assert.strictEqual(decide(sns, "sqs:SendMessage", queue).decision, "passes");
    });

    it("keeps the trail's log objects and key to CloudTrail for this trail and the log-archive administrators", () => {
        const cloudtrail = { type: "service" as const, service: "cloudtrail.amazonaws.com" };
        const source = {
            "aws:SourceArn": TRAIL,
            "aws:SourceAccount": MANAGEMENT,
            "aws:SourceOrgID": ORG,
        };
        const logObject = `${BUCKET}/AWSLogs/${ORG}/CloudTrail/x.json.gz`;
        const resourceAccount = LOG_ARCHIVE;
        // KMS puts the aliases of the key a request names in kms:ResourceAliases: the trail key
        // carries its alias (and may carry others).
        const aliasesOf = (resource: string): Record<string, string[]> =>
            resource === keyArn ? { "kms:ResourceAliases": ["alias/other", KEY_ALIAS] } : {};
        const ask = (
            p: RequestPrincipal,
            action: string,
            resource: string,
            context: Record<string, string>,
        ) =>
            verdict(
                authorize(
                    {
                        principal: p,
                        action,
                        resource,
                        resourceAccount,
                        context: { ...context, ...aliasesOf(resource) },
                    },
                    { rcps: [...rcps, RCP_FULL_AWS_ACCESS] },
                ),
            );
        assert.strictEqual(ask(cloudtrail, "s3:PutObject", logObject, source).decision, "passes");
        assert.strictEqual(
            ask(cloudtrail, "kms:GenerateDataKey", keyArn, source).decision,
            "passes",
        );
        // Another trail, or another service, may not write there.
        const other = { ...source, "aws:SourceArn": `${TRAIL}-other` };
        assert.strictEqual(
            ask(cloudtrail, "s3:PutObject", logObject, other).denies[0]?.label,
            'RCP org-access-trail-logs Statement[0] (Sid "KeepTrailBucketToWriters")',
        );
        for (const name of ["OrgAccessLogArchiveAdmin", "OrganizationAccountAccessRole"]) {
            const admin = aws(`arn:aws:sts::${LOG_ARCHIVE}:assumed-role/${name}/s`);
            const withRole = {
                ...(admin as object),
                roleArn: `arn:aws:iam::${LOG_ARCHIVE}:role/${name}`,
            };
            assert.strictEqual(
                ask(withRole as RequestPrincipal, "s3:GetObject", logObject, inOrg).decision,
                "passes",
                name,
            );
            assert.strictEqual(
                ask(withRole as RequestPrincipal, "kms:Decrypt", keyArn, inOrg).decision,
                "passes",
                name,
            );
        }
        // Any other principal of the organization, the management account's included (which no
        // SCP binds), may neither read nor write the logs, nor use or re-policy the key.
        for (const arn of [
            `arn:aws:iam::${LOG_ARCHIVE}:role/AppRole`,
            `arn:aws:iam::${MANAGEMENT}:role/Admin`,
        ]) {
            for (const [action, resource] of [
                ["s3:GetObject", logObject],
                ["s3:PutObject", logObject],
                ["s3:PutLifecycleConfiguration", BUCKET],
                ["kms:Decrypt", keyArn],
                ["kms:PutKeyPolicy", keyArn],
            ])
                assert.strictEqual(
                    ask(aws(arn), action, resource, inOrg).decision,
                    "ExplicitDeny",
                    `${arn} ${action}`,
                );
        }
        // The key is fenced by its alias: the same requests on another key of the account, with
        // other aliases or none, are not the trail RCP's; moving or deleting the trail key's
        // alias is the administrators' alone.
        const app = aws(`arn:aws:iam::${LOG_ARCHIVE}:role/AppRole`);
        const otherKey = `arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/other`;
        for (const aliases of [[], ["alias/app"], ["alias/org-access/org-access-logs"]])
            for (const action of ["kms:Decrypt", "kms:PutKeyPolicy", "kms:DeleteAlias"])
                assert.strictEqual(
                    verdict(
                        authorize(
                            {
                                principal: app,
                                action,
                                resource: otherKey,
                                resourceAccount,
                                context: { ...inOrg, "kms:ResourceAliases": aliases },
                            },
                            { rcps: [...rcps, RCP_FULL_AWS_ACCESS] },
                        ),
                    ).decision,
                    "passes",
                    `${action} ${aliases.join(",")}`,
                );
        const aliasArn = `arn:aws:kms:us-east-1:${LOG_ARCHIVE}:${KEY_ALIAS}`;
        for (const action of ["kms:DeleteAlias", "kms:UpdateAlias"]) {
            assert.deepStrictEqual(ask(app, action, keyArn, inOrg).denies, [
                { label: 'RCP org-access-trail-logs Statement[1] (Sid "KeepTrailKeyToWriters")' },
            ]);
            assert.deepStrictEqual(ask(app, action, aliasArn, inOrg).denies, [
                {
                    label: 'RCP org-access-trail-logs Statement[2] (Sid "KeepTrailKeyAliasToAdmins")',
                },
            ]);
            const admin = aws(
                `arn:aws:sts::${LOG_ARCHIVE}:assumed-role/OrgAccessLogArchiveAdmin/s`,
            );
            const withRole = {
                ...(admin as object),
                roleArn: `arn:aws:iam::${LOG_ARCHIVE}:role/OrgAccessLogArchiveAdmin`,
            } as RequestPrincipal;
            assert.strictEqual(ask(withRole, action, aliasArn, inOrg).decision, "passes");
        }
        // Reading the configuration stays open: auditors and the preview roles read it.
        assert.strictEqual(
            ask(
                aws(`arn:aws:iam::${LOG_ARCHIVE}:role/SecurityAuditRole`),
                "s3:GetBucketPolicy",
                BUCKET,
                inOrg,
            ).decision,
            "passes",
        );
    });

    it("fences by default what AWS's identity-perimeter example fences, and only the services listed", () => {
        const actions = (content: string) =>
            JSON.parse(content).Statement[0].Action as readonly string[];
        const perimeter = ofType(plan, POLICY).find(
            (p) => p.props.name === "org-access-perimeter",
        )!;
        // AWS's example's Action list (EnforceOrgIdentities):
        // https://github.com/aws-samples/data-perimeter-policy-examples/blob/main/resource_control_policies/identity_perimeter_rcp.json
        assert.deepStrictEqual(
            [...actions(String(perimeter.props.content))].sort(),
            [
                "s3:*",
                "sqs:*",
                "kms:*",
                "secretsmanager:*",
                "sts:AssumeRole",
                "sts:DecodeAuthorizationMessage",
                "sts:GetAccessKeyInfo",
                "sts:GetFederationToken",
                "sts:GetServiceBearerToken",
                "sts:GetSessionToken",
                "sts:SetContext",
                "aoss:*",
                "ecr:*",
            ].sort(),
        );
        const inputs: ResourceControlInputs = {
            partition: "aws",
            organizationId: ORG,
            services: ["s3", "kms"],
            trustedAccountIds: [],
            trustedOrganizationIds: [],
            trailArn: TRAIL,
            trailBucketName: "b",
            trailKey: TRAIL_KEY,
            logAdminRoleArns: [],
        };
        const [only] = rcpDefinitions(inputs);
        assert.deepStrictEqual(actions(JSON.stringify(only.document)), ["s3:*", "kms:*"]);
        // Without partners the conditions name the organization alone.
        assert.deepStrictEqual(JSON.parse(JSON.stringify(only.document)).Statement[0].Condition, {
            StringNotEqualsIfExists: { "aws:PrincipalOrgID": [ORG] },
            BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
        });
    });

    it("gives every service of the pack's list a perimeter treatment of that service's own actions", () => {
        // The pack's list is the one list: a service added there without a treatment fails here.
        assert.ok(RCP_SERVICES.length > 0);
        for (const service of RCP_SERVICES) {
            const { actions } = perimeterTreatment(service);
            assert.ok(actions.length > 0, service);
            for (const a of actions) assert.ok(a.startsWith(`${service}:`), `${service}: ${a}`);
        }
        assert.throws(() => perimeterTreatment("ec2"), /RCP service ec2: no perimeter treatment/);
        // The config accepts every one of them, a service fenced only when listed included.
        const all = validate(
            securityValues({
                resourceControlPolicies: { targets: ["r-ab12"], services: [...RCP_SERVICES] },
            }),
        ).resourceControlPolicies;
        assert.deepStrictEqual(all?.services, [...RCP_SERVICES]);
        const [perimeter] = rcpDefinitions({
            partition: "aws",
            organizationId: ORG,
            services: ["dynamodb", "logs"],
            trustedAccountIds: [],
            trustedOrganizationIds: [],
            trailArn: TRAIL,
            trailBucketName: "b",
            trailKey: TRAIL_KEY,
            logAdminRoleArns: [],
        });
        assert.deepStrictEqual(JSON.parse(JSON.stringify(perimeter.document)).Statement[0].Action, [
            "dynamodb:*",
            "logs:*",
        ]);
    });

    it("refuses every mistake in the key at once, each named with its fix", () => {
        const lines = problems(() =>
            validate(
                securityValues({
                    resourceControlPolicies: {
                        targets: ["r-ab12", MANAGEMENT, "r-ab12"],
                        services: ["s3", "ec2"],
                        trustedAccountIds: [LOG_ARCHIVE, PARTNER],
                        trustedOrganizationIds: [ORG],
                    },
                }),
            ),
        );
        const joined = lines.join("\n");
        for (const expected of [
            `resourceControlPolicies.services[1]: must be one of the services RCPs support: ${RCP_SERVICES.join(", ")}`,
            `resourceControlPolicies.targets[1]: ${MANAGEMENT} is the management account; RCPs never apply to its resources (attach to the root, an OU or member accounts instead)`,
            'resourceControlPolicies.targets[2]: "r-ab12" is listed twice (also at resourceControlPolicies.targets[0]) (list it once)',
            `resourceControlPolicies.trustedAccountIds[0]: ${LOG_ARCHIVE} is an account of this organization, which the RCPs already let in (list only accounts outside the organization)`,
            `resourceControlPolicies.trustedOrganizationIds[0]: ${ORG} is this organization (organizationId), which the RCPs already let in (list only other organizations)`,
        ])
            assert.ok(joined.includes(expected), `${expected}\n---\n${joined}`);
        assert.strictEqual(lines.length, 5, joined);
        // Every key is optional: without it the stack validates, with no RCP settings.
        assert.strictEqual(validate(securityValues()).resourceControlPolicies, undefined);
        assert.deepStrictEqual(
            validate(securityValues({ resourceControlPolicies: { targets: ["r-ab12"] } }))
                .resourceControlPolicies,
            {
                targets: ["r-ab12"],
                services: ["s3", "sts", "kms", "sqs", "secretsmanager", "ecr", "aoss"],
                trustedAccountIds: [],
                trustedOrganizationIds: [],
            },
        );
    });

    it("refuses a partner account that is a workload account of any workload stack", async () => {
        const e = await planSecurity(
            securityValues({
                resourceControlPolicies: {
                    targets: ["r-ab12"],
                    trustedAccountIds: [PARTNER, STAGING],
                },
            }),
            projectWith({ workload }),
        ).then(
            () => undefined,
            (err: Error) => err,
        );
        assert.ok(e instanceof ConfigError, String(e));
        assert.strictEqual(
            e.message.split("\n").slice(1).join("\n"),
            `* org-access:resourceControlPolicies.trustedAccountIds[1]: ${STAGING} is workload account "staging" of stack "workload", an account of this organization, which the RCPs already let in (list only accounts outside the organization)`,
        );
    });

    it("refuses a perimeter over 5,120 characters before planning anything, naming the key and the fix", async () => {
        const many = Array.from({ length: 200 }, (_, i) => `3${String(i).padStart(11, "0")}`);
        const e = await planSecurity(
            securityValues({
                resourceControlPolicies: { targets: ["r-ab12"], trustedAccountIds: many },
            }),
            projectWith({ workload }),
        ).then(
            () => undefined,
            (err: Error) => err,
        );
        assert.ok(e instanceof Error, "expected the plan to be refused");
        assert.match(
            e.message,
            /^invalid configuration for stack "security" \(1 problem\):\n\* org-access:resourceControlPolicies\.trustedAccountIds: the RCP "org-access-perimeter" would be \d+ characters; AWS allows 5120 \(trust fewer partner accounts \(trustedAccountIds\) or organizations \(trustedOrganizationIds\)\)$/,
        );
    });

    it("refuses an oversized SCP and an oversized RCP in one ConfigError, each under its own key", async () => {
        const orgs = Array.from({ length: 400 }, (_, i) => `o-${String(i).padStart(10, "0")}`);
        const e = await planSecurity(
            securityValues({
                guardrails: { targets: ["r-ab12"], allowedRegions: ["us-east-1"] },
                breakGlass: { users: ["dana"] },
                resourceControlPolicies: { targets: ["r-ab12"], trustedOrganizationIds: orgs },
            }),
            // 20 distinct deploy roles, each exempted and protected by name: the roles SCP overflows.
            projectWith({
                workload: {
                    ...workload,
                    workloadAccounts: Array.from({ length: 20 }, (_, i) => ({
                        name: `team${i}`,
                        accountId: String(200000000000 + i),
                        deployRoleName: `WorkloadDeployer-team-${String(i).padStart(2, "0")}`,
                    })),
                    maxAccountsPerStack: 20,
                },
            }),
        ).then(
            () => undefined,
            (err: Error) => err,
        );
        assert.ok(e instanceof ConfigError, String(e));
        const lines = e.message.split("\n");
        assert.match(lines[0], /\(2 problems\):$/);
        assert.strictEqual(lines.length, 3, e.message);
        assert.match(lines[1], /^\* org-access:guardrails: the SCP "org-access-roles" /);
        assert.match(
            lines[2],
            /^\* org-access:resourceControlPolicies\.trustedOrganizationIds: the RCP "org-access-perimeter" /,
        );
    });
});
