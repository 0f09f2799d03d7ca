// no-outside-principal: holds on the fixture plans, and each broken variant fails with the
// counterexample a person can act on. The outsiders it finds are posed to
// @cloud-copilot/iam-simulate, which must allow them too; the outsiders it rules out on the
// planned policies, which iam-simulate must deny.
import * as assert from "assert";
import { anonymousPrincipal, runSimulation } from "@cloud-copilot/iam-simulate";
import { Counterexample, ProofInput, runProofs } from "../../../evidence/proofs";
import { noOutsidePrincipal } from "../../../evidence/proofs/no-outside-principal";
import { plannedPolicies } from "../../../evidence/proofs/resourcePolicies";
import { OUTSIDE_ACCOUNT } from "../../../evidence/simulate";
import { PlanResult } from "../../../plan/run";
import { LOG_ARCHIVE, MANAGEMENT, PROD, SECURITY } from "../../helpers";
import { indexOf, mutate, withPolicy } from "../../helpers/variants";
import { fixturePlans, inputOf, Plans } from "./fixture";

function prove(input: ProofInput) {
    const [result] = runProofs(input, [noOutsidePrincipal]);
    return result;
}

function counterexamplesOf(kind: "security" | "workload", p: Plans): readonly Counterexample[] {
    return prove(inputOf(kind, p)).counterexamples;
}

/** Plans with the security stack replaced by a broken variant. */
const withSecurity = (p: Plans, security: PlanResult): Plans => ({ ...p, security });

/** Asks iam-simulate whether the resource policy alone lets the principal do the action. */
async function simulatorAllows(
    policy: unknown,
    principal: string | typeof anonymousPrincipal,
    action: string,
    resource: string,
    account: string,
    context: Record<string, string> = {},
): Promise<boolean | undefined> {
    const result = await runSimulation(
        {
            request: {
                principal,
                action,
                resource: { resource, accountId: account },
                contextVariables: context,
            },
            // The outsider's own account lets it do anything: only the resource policy decides.
            identityPolicies:
                principal === anonymousPrincipal
                    ? []
                    : [
                          {
                              name: "outsider-admin",
                              policy: {
                                  Version: "2012-10-17",
                                  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
                              },
                          },
                      ],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: policy as Record<string, unknown>,
        },
        {},
    );
    if (result.resultType === "error") {
        // A wildcard pattern with the wildcard dropped may name no action (kms:Describe), or an
        // action of another resource type than the policy's resource.
        if (/invalid\.action|no\.resource\.types/.test(JSON.stringify(result.errors)))
            return undefined;
        throw new Error(JSON.stringify(result.errors));
    }
    return result.overallResult === "Allowed";
}

describe("proof no-outside-principal", () => {
    let p: Plans;
    let bucket: string;
    let keyArn: string;
    before(async () => {
        p = await fixturePlans();
        bucket = String(p.security.outputs.trailBucketName);
        keyArn = String(p.security.outputs.trailKeyArn);
    });

    it("holds on both fixture plans, having examined every trust and resource policy they plan", () => {
        for (const kind of ["security", "workload"] as const) {
            const result = prove(inputOf(kind, p));
            assert.deepStrictEqual(result.counterexamples, []);
            const plan = kind === "security" ? p.security : p.workload;
            // Counted independently: every role, bucket policy, topic policy and key with a policy.
            const expected = plan.resources.filter(
                (r) =>
                    r.type === "aws:iam/role:Role" ||
                    r.type === "aws:s3/bucketPolicy:BucketPolicy" ||
                    r.type === "aws:sns/topicPolicy:TopicPolicy" ||
                    (r.type === "aws:kms/key:Key" && r.props.policy !== undefined),
            ).length;
            assert.ok(expected > 0);
            assert.strictEqual(result.checked, expected, kind);
            assert.strictEqual(result.holds, true);
        }
    });

    it("fails when it examines nothing", () => {
        const result = prove({ ...inputOf("workload", p), resources: [] });
        assert.strictEqual(result.checked, 0);
        assert.strictEqual(result.holds, false);
    });

    it("finds a bucket policy open to Principal * without a condition", () => {
        let sid = -1;
        const broken = withPolicy(p.security, "org-trail-bucket-policy", (d) => {
            d.Statement.push({
                Sid: "Open",
                Effect: "Allow",
                Principal: "*",
                Action: "s3:GetObject",
                Resource: `arn:aws:s3:::${bucket}/*`,
            });
            sid = indexOf(d, "Open");
        });
        const found = counterexamplesOf("security", withSecurity(p, broken));
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.resource, c.statements]),
            [
                [
                    "anyone (anonymous)",
                    "s3:GetObject",
                    `arn:aws:s3:::${bucket} (org-trail-bucket-policy)`,
                    [`bucket policy org-trail-bucket-policy Statement[${sid}] (Sid "Open")`],
                ],
            ],
        );
        assert.match(found[0].reason, /name the designated principals instead of "\*"/);
    });

    it('finds {AWS: ["*"]} fenced only by the aws:PrincipalOrgID of another organization', async () => {
        let policy: unknown;
        const broken = withPolicy(p.security, "org-trail-bucket-policy", (d) => {
            d.Statement.push({
                Sid: "OtherOrg",
                Effect: "Allow",
                Principal: { AWS: ["*"] },
                Action: "s3:GetObject",
                Resource: `arn:aws:s3:::${bucket}/*`,
                Condition: { StringEquals: { "aws:PrincipalOrgID": "o-otherorg99" } },
            });
            policy = d;
        });
        const found = counterexamplesOf("security", withSecurity(p, broken));
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action]),
            [[`arn:aws:iam::${OUTSIDE_ACCOUNT}:root`, "s3:GetObject"]],
        );
        assert.match(found[0].reason, /aws:principalorgid=o-otherorg99/);
        // The same request, posed to iam-simulate, is allowed; with the organization's own id it is
        // the designated case, and an outsider without the other org's id is refused.
        const object = `arn:aws:s3:::${bucket}/AWSLogs/x.json.gz`;
        const outsider = `arn:aws:iam::${OUTSIDE_ACCOUNT}:root`;
        assert.strictEqual(
            await simulatorAllows(policy, outsider, "s3:GetObject", object, LOG_ARCHIVE, {
                "aws:PrincipalOrgID": "o-otherorg99",
                "aws:SecureTransport": "true",
            }),
            true,
        );
        assert.strictEqual(
            await simulatorAllows(policy, outsider, "s3:GetObject", object, LOG_ARCHIVE, {
                "aws:PrincipalOrgID": "o-abcdefghij",
                "aws:SecureTransport": "true",
            }),
            false,
        );
    });

    it("finds a key policy that grants an account outside the organization", async () => {
        let policy: unknown;
        const broken = withPolicy(p.security, "org-trail-key", (d) => {
            d.Statement.push({
                Sid: "Partner",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:root` },
                Action: "kms:Decrypt",
                Resource: "*",
            });
            policy = d;
        });
        const found = counterexamplesOf("security", withSecurity(p, broken));
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.resource, c.statements]),
            [
                [
                    `arn:aws:iam::${OUTSIDE_ACCOUNT}:root`,
                    "kms:Decrypt",
                    `${keyArn} (org-trail-key)`,
                    [
                        `key policy of key org-trail-key Statement[${(policy as any).Statement.length - 1}] (Sid "Partner")`,
                    ],
                ],
            ],
        );
        assert.strictEqual(
            await simulatorAllows(
                policy,
                `arn:aws:iam::${OUTSIDE_ACCOUNT}:root`,
                "kms:Decrypt",
                keyArn,
                LOG_ARCHIVE,
            ),
            true,
        );
    });

    it("finds the CloudTrail service principal without aws:SourceArn", async () => {
        let sid = -1;
        let policy: unknown;
        const broken = withPolicy(p.security, "org-trail-bucket-policy", (d) => {
            sid = indexOf(d, "CloudTrailAclCheck");
            delete d.Statement[sid].Condition;
            policy = d;
        });
        const found = counterexamplesOf("security", withSecurity(p, broken));
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.statements]),
            [
                [
                    "service cloudtrail.amazonaws.com",
                    "s3:GetBucketAcl",
                    [
                        `bucket policy org-trail-bucket-policy Statement[${sid}] (Sid "CloudTrailAclCheck")`,
                    ],
                ],
            ],
        );
        assert.match(found[0].reason, /fence the service principal with aws:SourceArn/);
        // iam-simulate: CloudTrail acting for anyone's trail is allowed without the condition,
        // and refused for an outside account's trail with it.
        const other = `arn:aws:cloudtrail:us-east-1:${OUTSIDE_ACCOUNT}:trail/theirs`;
        const request = [
            "cloudtrail.amazonaws.com",
            "s3:GetBucketAcl",
            `arn:aws:s3:::${bucket}`,
            LOG_ARCHIVE,
            { "aws:SourceArn": other, "aws:SecureTransport": "true" },
        ] as const;
        assert.strictEqual(await simulatorAllows(policy, ...request), true);
        const planned = JSON.parse(
            String(
                p.security.resources.find((r) => r.name === "org-trail-bucket-policy")!.props
                    .policy,
            ),
        );
        assert.strictEqual(await simulatorAllows(planned, ...request), false);
    });

    it("finds an SNS topic policy open to *", async () => {
        const topic = String(p.security.outputs.alarmTopicArn);
        let policy: unknown;
        const broken = withPolicy(p.security, "detection-topic-policy", (d) => {
            d.Statement.push({
                Sid: "AnyonePublishes",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: "sns:Publish",
                Resource: topic,
            });
            policy = d;
        });
        const found = counterexamplesOf("security", withSecurity(p, broken));
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.resource]),
            [["anyone (anonymous)", "sns:Publish", `${topic} (detection-topic-policy)`]],
        );
        assert.strictEqual(
            await simulatorAllows(
                policy,
                `arn:aws:iam::${OUTSIDE_ACCOUNT}:user/zq9`,
                "sns:Publish",
                topic,
                MANAGEMENT,
            ),
            true,
        );
    });

    it("finds a role trust that uses NotPrincipal", () => {
        const broken = withPolicy(p.security, "log-archive-admin-role", (d) => {
            d.Statement.push({
                Sid: "EveryoneElse",
                Effect: "Allow",
                NotPrincipal: { AWS: `arn:aws:iam::${SECURITY}:root` },
                Action: "sts:AssumeRole",
            });
        });
        const found = counterexamplesOf("security", withSecurity(p, broken));
        const role = `arn:aws:iam::${LOG_ARCHIVE}:role/OrgAccessLogArchiveAdmin (log-archive-admin-role)`;
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.resource, c.statements]),
            [
                // sts:AssumeRole is a signed call: the outsider is a principal of another
                // account, never an anonymous caller (policypack/iam/requestShape.ts).
                [
                    "arn:aws:iam::210987654321:root",
                    "sts:AssumeRole",
                    role,
                    [
                        'trust policy of role log-archive-admin-role Statement[1] (Sid "EveryoneElse")',
                    ],
                ],
            ],
        );
    });

    it("finds a GitHub OIDC trust for another repository", () => {
        const broken = withPolicy(p.security, "ci-deploy-role", (d) => {
            const cond = d.Statement[0].Condition.StringEquals;
            cond["token.actions.githubusercontent.com:sub"] =
                "repo:evil-org/other:environment:production";
        });
        const found = counterexamplesOf("security", withSecurity(p, broken));
        const provider = String(p.security.outputs.githubOidcProviderArn);
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.resource]),
            [
                [
                    `token of ${provider} with sub=repo:evil-org/other:environment:production`,
                    "sts:AssumeRoleWithWebIdentity",
                    `arn:aws:iam::${MANAGEMENT}:role/org-access-github-deploy (ci-deploy-role)`,
                ],
            ],
        );
        assert.match(found[0].reason, /pin token\.actions\.githubusercontent\.com:sub/);
    });

    it("finds a trust of a federated provider other than GitHub's", () => {
        const broken = withPolicy(p.security, "ci-preview-role", (d) => {
            d.Statement[0].Principal = { Federated: "accounts.google.com" };
        });
        const found = counterexamplesOf("security", withSecurity(p, broken));
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action]),
            [["federated accounts.google.com", "sts:AssumeRoleWithWebIdentity"]],
        );
    });

    it("finds a trust that lets every principal of the security account in", () => {
        const broken = withPolicy(p.workload, "acct-777788889999-role", (d) => {
            d.Statement[0].Principal = { AWS: `arn:aws:iam::${SECURITY}:root` };
            delete d.Statement[0].Condition;
        });
        const found = counterexamplesOf("workload", { ...p, workload: broken });
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.resource, c.statements]),
            [
                [
                    `arn:aws:iam::${SECURITY}:root`,
                    "sts:AssumeRole",
                    `arn:aws:iam::777788889999:role/SecurityAuditRole (acct-777788889999-role)`,
                    [
                        'trust policy of role acct-777788889999-role Statement[0] (Sid "HumansWithMfa")',
                    ],
                ],
            ],
        );
        assert.match(found[0].reason, /\(undesignated; witness: no condition keys needed\)/);
    });

    // Anyone can create a user or role at /org-access/ in an account of their own, tag it and give
    // it MFA: the outsider probed must be built from the aws:PrincipalArn pattern (review finding).
    for (const [pattern, who] of [
        ["arn:aws:iam::*:user/org-access/*", /^arn:aws:iam::\d{12}:user\/org-access\/zq9$/],
        ["arn:aws:iam::*:user/org-access/*/*", /^arn:aws:iam::\d{12}:user\/org-access\/zq9\/zq9$/],
        [
            "arn:aws:iam::*:role/org-access/*",
            /^arn:aws:sts::\d{12}:assumed-role\/zq9\/zq9-session$/,
        ],
    ] as const)
        it(`finds a people trust open to Principal "*" bounded only by aws:PrincipalArn ${pattern}`, () => {
            for (const op of ["ArnLike", "StringLike"]) {
                const broken = withPolicy(p.workload, "acct-777788889999-role", (d) => {
                    const s = d.Statement.find((x: any) => x.Sid === "HumansWithMfa");
                    if (!s) throw new Error(`no HumansWithMfa statement: ${JSON.stringify(d)}`);
                    s.Principal = "*";
                    delete s.Condition.ArnLike;
                    s.Condition[op] = { "aws:PrincipalArn": pattern };
                });
                const found = counterexamplesOf("workload", { ...p, workload: broken });
                assert.strictEqual(found.length, 1, JSON.stringify(found));
                assert.match(found[0].principal, who);
                assert.ok(!found[0].principal.includes(`::${SECURITY}:`), found[0].principal);
                assert.match(found[0].reason, /\(outside-account; witness: /);
                assert.deepStrictEqual(found[0].statements, [
                    'trust policy of role acct-777788889999-role Statement[0] (Sid "HumansWithMfa")',
                ]);
            }
        });

    // The tags designate who among the users under the path gets in: a tag condition that passes
    // when the tag is absent lets an untagged user there in (made by anyone allowed
    // iam:CreateUser at the path), as BoolIfExists lets a session without MFA in (review finding).
    for (const [role, sid, userPath] of [
        ["acct-777788889999-role", "HumansWithMfa", "org-access"],
        ["acct-777788889999-break-glass-role", undefined, "org-access/break-glass"],
    ] as const)
        for (const [what, edit] of [
            [
                "StringEqualsIfExists",
                (c: Record<string, any>) => {
                    c.StringEqualsIfExists = c.StringEquals;
                    delete c.StringEquals;
                },
            ],
            [
                "StringLikeIfExists on the duty alone",
                (c: Record<string, any>) => {
                    const duty = "aws:PrincipalTag/org-access:duty";
                    c.StringLikeIfExists = { [duty]: c.StringEquals[duty] };
                    delete c.StringEquals[duty];
                },
            ],
            [
                "ForAllValues:StringEquals",
                (c: Record<string, any>) => {
                    c["ForAllValues:StringEquals"] = c.StringEquals;
                    delete c.StringEquals;
                },
            ],
        ] as const)
            it(`finds ${role}'s trust whose tag designators are ${what}: an untagged user under the path gets in`, () => {
                const broken = withPolicy(p.workload, role, (d) => {
                    const s = sid ? d.Statement.find((x: any) => x.Sid === sid) : d.Statement[0];
                    if (!s?.Condition?.StringEquals) throw new Error(JSON.stringify(d));
                    edit(s.Condition);
                });
                const found = counterexamplesOf("workload", { ...p, workload: broken });
                assert.strictEqual(found.length, 1, JSON.stringify(found));
                assert.strictEqual(
                    found[0].principal,
                    `arn:aws:iam::${SECURITY}:user/${userPath}/zq9`,
                );
                assert.match(found[0].reason, /\(untagged; witness: /);
                assert.match(found[0].reason, /without the tags? aws:PrincipalTag\/org-access:/);
                assert.match(found[0].reason, /passes when the tag is absent/);
            });

    it("reports a policy it cannot read as not checked", () => {
        const broken = mutate(p.security, "org-trail-bucket-policy", (props) => {
            props.policy = "{not json";
        });
        const found = counterexamplesOf("security", withSecurity(p, broken));
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.resource]),
            [["(not checked)", `arn:aws:s3:::${bucket} (org-trail-bucket-policy)`]],
        );
        assert.match(found[0].reason, /not checked: the policy cannot be read/);
    });

    it("reads every resource policy type of the pack's table: a DynamoDB policy and an EventBridge permission open to *, an IoT policy it cannot read, a policy resource with no policy", () => {
        const input = inputOf("workload", p);
        const resource = (type: string, name: string, props: Record<string, unknown>) => ({
            type,
            name,
            urn: `urn:pulumi:workload::org-access::${type}::${name}`,
            accountId: PROD,
            props,
        });
        const table = `arn:aws:dynamodb:us-east-1:${PROD}:table/orders`;
        const open = resource("aws:dynamodb/resourcePolicy:ResourcePolicy", "orders-policy", {
            resourceArn: table,
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: "*",
                        Action: "dynamodb:GetItem",
                        Resource: table,
                    },
                ],
            }),
        });
        const fenced = resource("aws:dynamodb/resourcePolicy:ResourcePolicy", "fenced", {
            resourceArn: table,
            policy: {
                Version: "2012-10-17",
                Statement: {
                    Effect: "Allow",
                    Principal: "*",
                    Action: "dynamodb:GetItem",
                    Resource: table,
                    Condition: { StringEquals: { "aws:PrincipalAccount": PROD } },
                },
            },
        });
        const iot = resource("aws:iot/policy:Policy", "devices", { policy: "{}" });
        const bus = resource("aws:cloudwatch/eventPermission:EventPermission", "anyone", {
            principal: "*",
            statementId: "anyone",
        });
        const empty = resource("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "bus", {});
        const quiet = resource("aws:sqs/queue:Queue", "jobs", { redrivePolicy: "{}" });
        assert.deepStrictEqual(
            prove({ ...input, resources: [...input.resources, fenced, quiet] }).counterexamples,
            [],
        );
        const found = prove({
            ...input,
            resources: [...input.resources, open, bus, iot, empty],
        }).counterexamples;
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.statements]),
            [
                [
                    "anyone (anonymous)",
                    "dynamodb:GetItem",
                    [
                        "policy of aws:dynamodb/resourcePolicy:ResourcePolicy orders-policy Statement[0]",
                    ],
                ],
                [
                    "anyone (anonymous)",
                    "events:PutEvents",
                    ['EventBridge permission anyone Statement[0] (Sid "anyone")'],
                ],
                ["(not checked)", "*", []],
                ["(not checked)", "*", []],
            ],
        );
        assert.strictEqual(
            found[1].resource,
            `arn:aws:events:us-east-1:${PROD}:event-bus/default (anyone)`,
        );
        assert.match(
            found[2].reason,
            /devices: not checked: policy is an access policy in a language other than IAM's/,
        );
        assert.match(found[3].reason, /bus: not checked: the policy is not known in the plan/);
    });

    it("reads the roles of a StackSet template and unknown policy-carrying types", () => {
        const input = inputOf("workload", p);
        const stackSet = {
            type: "aws:cloudformation/stackSet:StackSet",
            name: "audit",
            urn: "urn:pulumi:workload::org-access::aws:cloudformation/stackSet:StackSet::audit",
            accountId: MANAGEMENT,
            props: {
                templateBody: JSON.stringify({
                    Resources: {
                        Role: {
                            Type: "AWS::IAM::Role",
                            Properties: {
                                RoleName: "Audit",
                                AssumeRolePolicyDocument: {
                                    Version: "2012-10-17",
                                    Statement: [
                                        {
                                            Effect: "Allow",
                                            Principal: { AWS: "*" },
                                            Action: "sts:AssumeRole",
                                        },
                                    ],
                                },
                            },
                        },
                        Odd: { Type: "AWS::Foo::Bar", Properties: { AccessPolicy: {} } },
                    },
                }),
            },
        };
        const read = plannedPolicies([stackSet], {
            partition: "aws",
            region: "us-east-1",
            stackSetAccounts: ["777788889999"],
        });
        assert.deepStrictEqual(
            read.map((r) => [r.kind, r.label, r.arn, r.unreadable]),
            [
                [
                    "trust",
                    "trust policy of StackSet audit AWS::IAM::Role Role",
                    "arn:aws:iam::777788889999:role/Audit",
                    undefined,
                ],
                [
                    "resource",
                    "StackSet audit AWS::Foo::Bar Odd (AccessPolicy)",
                    undefined,
                    "this proof does not know how AWS::Foo::Bar applies AccessPolicy",
                ],
            ],
        );
        const found = prove({
            ...input,
            resources: [...input.resources, stackSet],
        }).counterexamples;
        // Principal {AWS: "*"} on sts:AssumeRole: a principal of an outside account gets in (an
        // anonymous caller cannot call AssumeRole at all).
        assert.ok(
            found.some(
                (c) =>
                    c.action === "sts:AssumeRole" &&
                    c.resource.startsWith("arn:aws:iam::777788889999:role/Audit") &&
                    /^arn:aws:iam::\d{12}:/.test(c.principal),
            ),
            JSON.stringify(found.map((c) => [c.principal, c.action, c.resource])),
        );
        assert.ok(!found.some((c) => c.principal === "anyone (anonymous)"));
        assert.ok(found.some((c) => c.principal === "(not checked)"));
    });

    it("reads a Lambda permission as the statement it stands for: a service fenced by its source account passes, an unfenced one does not", () => {
        const input = inputOf("workload", p);
        const permission = (name: string, props: Record<string, unknown>) => ({
            type: "aws:lambda/permission:Permission",
            name,
            urn: `urn:pulumi:workload::org-access::aws:lambda/permission:Permission::${name}`,
            accountId: PROD,
            props: { action: "lambda:InvokeFunction", function: "handler", ...props },
        });
        const fenced = permission("fenced", {
            principal: "s3.amazonaws.com",
            sourceAccount: PROD,
        });
        const open = permission("open", { principal: "s3.amazonaws.com" });
        const holds = prove({ ...input, resources: [...input.resources, fenced] });
        assert.deepStrictEqual(holds.counterexamples, []);
        // Fenced, but to an account outside the organization: that account's buckets get in.
        const foreign = permission("foreign", {
            principal: "s3.amazonaws.com",
            sourceAccount: OUTSIDE_ACCOUNT,
        });
        assert.deepStrictEqual(
            prove({ ...input, resources: [...input.resources, foreign] }).counterexamples.map(
                (c) => [c.principal, c.reason.match(/witness: [^)]*/)?.[0]],
            ),
            [["service s3.amazonaws.com", `witness: aws:sourceaccount=${OUTSIDE_ACCOUNT}`]],
        );
        const found = prove({ ...input, resources: [...input.resources, open] }).counterexamples;
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.resource, c.statements]),
            [
                [
                    "service s3.amazonaws.com",
                    "lambda:InvokeFunction",
                    `arn:aws:lambda:us-east-1:${PROD}:function:handler (open)`,
                    ['Lambda permission open Statement[0] (Sid "open")'],
                ],
            ],
        );
    });

    it("reads grants written as properties: a layer, AMI, snapshot or RAM grant to an outside account, or public, fails; one to the organization holds", () => {
        // (A grant to one whole account of the organization is the proof's "undesignated" finding,
        // as a bucket policy naming <account>:root is; only organization-wide grants hold here.)
        const input = inputOf("workload", p);
        const grant = (type: string, name: string, props: Record<string, unknown>) => ({
            type,
            name,
            urn: `urn:pulumi:workload::org-access::${type}::${name}`,
            accountId: PROD,
            props,
        });
        const LAYER = "aws:lambda/layerVersionPermission:LayerVersionPermission";
        const AMI = "aws:ec2/amiLaunchPermission:AmiLaunchPermission";
        const SNAPSHOT = "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission";
        const RAM = "aws:ram/principalAssociation:PrincipalAssociation";
        const org = input.outputs.organizationId as string;
        const orgArn = `arn:aws:organizations::${MANAGEMENT}:organization/${org}`;
        const inside = [
            grant(LAYER, "layer-org", {
                layerName: "shared",
                principal: "*",
                organizationId: org,
                action: "lambda:GetLayerVersion",
            }),
            grant(AMI, "ami-org", { imageId: "ami-1", organizationArn: orgArn }),
            grant(RAM, "ram-org", {
                principal: orgArn,
                resourceShareArn: "arn:aws:ram:us-east-1:1:resource-share/s",
            }),
        ];
        assert.deepStrictEqual(
            prove({ ...input, resources: [...input.resources, ...inside] }).counterexamples,
            [],
        );
        const outside = [
            grant(LAYER, "layer-public", {
                layerName: "shared",
                principal: "*",
                action: "lambda:GetLayerVersion",
            }),
            grant(AMI, "ami-public", { imageId: "ami-1", group: "all" }),
            grant(SNAPSHOT, "snap-out", { snapshotId: "snap-1", accountId: OUTSIDE_ACCOUNT }),
            grant(RAM, "ram-out", {
                principal: OUTSIDE_ACCOUNT,
                resourceShareArn: "arn:aws:ram:us-east-1:1:resource-share/s",
            }),
        ];
        const found = prove({
            ...input,
            resources: [...input.resources, ...outside],
        }).counterexamples;
        const by = (name: string) =>
            found.filter((c) => c.statements.some((s) => s.includes(` ${name} `)));
        assert.ok(
            by("layer-public").some((c) => c.principal === "anyone (anonymous)"),
            JSON.stringify(found),
        );
        assert.ok(
            by("ami-public").some((c) => c.principal === "anyone (anonymous)"),
            JSON.stringify(found),
        );
        for (const name of ["snap-out", "ram-out"])
            assert.ok(
                by(name).some((c) => c.principal.includes(OUTSIDE_ACCOUNT)),
                `${name}: ${JSON.stringify(found)}`,
            );
        assert.ok(
            by("snap-out").some(
                (c) => c.action === "ec2:CreateVolume" || c.action === "ec2:CopySnapshot",
            ),
        );
    });

    it("agrees with iam-simulate that no outsider gets through the planned resource policies", async () => {
        const security = inputOf("security", p);
        const policies = plannedPolicies(security.resources, {
            partition: "aws",
            region: "us-east-1",
        }).filter((x) => x.kind === "resource" && x.arn);
        assert.ok(policies.length >= 4);
        let checked = 0;
        for (const policy of policies) {
            const raw = JSON.parse(String(policy.carrier.props.policy));
            const actions = new Set<string>();
            for (const s of raw.Statement)
                for (const a of [s.Action ?? []].flat())
                    if (!String(a).endsWith(":*")) actions.add(String(a).replace("*", ""));
            for (const action of actions)
                for (const principal of [
                    `arn:aws:iam::${OUTSIDE_ACCOUNT}:root`,
                    `arn:aws:iam::${OUTSIDE_ACCOUNT}:role/zq9`,
                    anonymousPrincipal,
                    // Services acting for an outsider's resources.
                    "cloudtrail.amazonaws.com",
                    "cloudwatch.amazonaws.com",
                    "logs.us-east-1.amazonaws.com",
                ]) {
                    const allowed = await simulatorAllows(
                        raw,
                        principal,
                        action,
                        policy.arn!.startsWith("arn:aws:s3") && action.includes("Object")
                            ? `${policy.arn}/AWSLogs/x`
                            : policy.arn!,
                        policy.accountId!,
                        {
                            "aws:SecureTransport": "true",
                            ...(typeof principal === "string" && principal.endsWith(".com")
                                ? {
                                      "aws:SourceAccount": OUTSIDE_ACCOUNT,
                                      "aws:SourceArn": `arn:aws:cloudtrail:us-east-1:${OUTSIDE_ACCOUNT}:trail/org-access`,
                                  }
                                : { "aws:PrincipalOrgID": "o-zq9" }),
                        },
                    );
                    if (allowed !== undefined) checked++;
                    assert.notStrictEqual(
                        allowed,
                        true,
                        `${policy.label} ${action} ${JSON.stringify(principal)}`,
                    );
                }
        }
        assert.ok(checked > 50, `only ${checked} requests were decided`);
    });
});
