// Grants written as resource properties, not as a policy document (a Lambda layer's principal, an
// AMI launch permission's group "all", an endpoint service's allowedPrincipals, a RAM association,
// a Lambda permission for a service principal without a source): each is read as the
// resource-policy statement it stands for and decided by the one evaluator; the table of grant
// types is generated and held to the readers, so a grant type added later is reported.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import {
    iamNoWildcardPrincipal,
    policies,
    policyDocumentNotChecked,
} from "../../policypack/policies";
import { PERMISSION_DOCUMENTS } from "../../policypack/policies/documents";
import { GRANT_READERS, granteeOf } from "../../policypack/policies/grants";
import { POLICY_TYPES, PolicyTypeTable } from "../../policypack/model/policyTypes";
import { policyDocumentNotCheckedFor } from "../../policypack/policies/policyDocumentNotChecked";
import { findConfusedDeputy, findPublicAccess, parsePolicyDocument } from "../../policypack/iam";
import * as update from "../../scripts/update-policy-types";
import { assertViolations, runResourcePolicy, SECURITY_ACCOUNT, TypeSource } from "./helpers";

const NAME = "iam-no-wildcard-principal";
const OUTSIDE = "999988887777";
const ORG_ARN = `arn:aws:organizations::${SECURITY_ACCOUNT}:organization/o-abc123example`;
const OU_ARN = `arn:aws:organizations::${SECURITY_ACCOUNT}:ou/o-abc123example/ou-ab12-34cd56ef`;

interface Case {
    readonly what: string;
    readonly type: TypeSource;
    readonly props: Record<string, unknown>;
    /** Fragments every message must hold (resource label, property and value). */
    readonly says?: string[];
}

const run = (c: Case) =>
    runResourcePolicy(iamNoWildcardPrincipal, c.type, c.props, { name: "grant-under-test" });

describe("grants written as resource properties (iam-no-wildcard-principal)", () => {
    describe("flags a grant to everyone", () => {
        const cases: Case[] = [
            {
                what: 'a Lambda layer shared with principal "*" and no organizationId',
                type: aws.lambda.LayerVersionPermission,
                props: {
                    layerName: "shared-layer",
                    versionNumber: 1,
                    principal: "*",
                    action: "lambda:GetLayerVersion",
                    statementId: "everyone",
                },
                says: ["Lambda layer permission", 'principal="*"', "organizationId", "everyone"],
            },
            {
                what: 'an AMI launch permission for group "all" (a public AMI)',
                type: aws.ec2.AmiLaunchPermission,
                props: { imageId: "ami-0123456789abcdef0", group: "all" },
                says: [
                    "AMI launch permission",
                    'group="all"',
                    "ec2:RunInstances",
                    'remove group "all"',
                ],
            },
            {
                what: 'an endpoint service whose allowedPrincipals holds "*"',
                type: aws.ec2.VpcEndpointService,
                props: {
                    acceptanceRequired: false,
                    allowedPrincipals: [`arn:aws:iam::${SECURITY_ACCOUNT}:root`, "*"],
                },
                says: ["VPC endpoint service", "allowedPrincipals=", "ec2:CreateVpcEndpoint"],
            },
            {
                what: 'an endpoint service allowed principal "*"',
                type: aws.ec2.VpcEndpointServiceAllowedPrinciple,
                props: { vpcEndpointServiceId: "vpce-svc-0123", principalArn: "*" },
                says: ["VPC endpoint service allowed principal", 'principalArn="*"'],
            },
            {
                what: 'a signing profile permission for principal "*"',
                type: aws.signer.SigningProfilePermission,
                props: { profileName: "prod", action: "signer:StartSigningJob", principal: "*" },
                says: ["signing profile permission", "signer:StartSigningJob"],
            },
        ];
        for (const c of cases)
            it(c.what, async () => {
                const r = await run(c);
                assertViolations(
                    r,
                    1,
                    "grant-under-test",
                    "as a resource-policy statement",
                    "Fix",
                    ...(c.says ?? []),
                );
            });
    });

    describe("flags a Lambda permission for a service principal that does not say for whom (the confused deputy)", () => {
        const cases: Array<[string, Record<string, unknown>]> = [
            ["S3 with no source", { principal: "s3.amazonaws.com" }],
            ["SNS with no source", { principal: "sns.amazonaws.com" }],
            [
                "EventBridge with a wildcard source ARN of any account",
                {
                    principal: "events.amazonaws.com",
                    sourceArn: "arn:aws:events:us-east-1:*:rule/*",
                },
            ],
        ];
        for (const [what, props] of cases)
            it(what, async () => {
                const r = await run({
                    what,
                    type: aws.lambda.Permission,
                    props: { function: "fn", action: "lambda:InvokeFunction", ...props },
                });
                assertViolations(
                    r,
                    1,
                    "Lambda permission grant-under-test",
                    `the service ${String(props.principal)}`,
                    "confused deputy",
                    "sourceArn",
                );
            });
    });

    describe("passes grants that name who gets in", () => {
        const cases: Case[] = [
            {
                what: 'a layer shared with "*" in one organization',
                type: aws.lambda.LayerVersionPermission,
                props: {
                    layerName: "l",
                    versionNumber: 1,
                    principal: "*",
                    organizationId: "o-abc123example",
                    action: "lambda:GetLayerVersion",
                    statementId: "org",
                },
            },
            {
                what: "a layer shared with one account",
                type: aws.lambda.LayerVersionPermission,
                props: {
                    layerName: "l",
                    versionNumber: 1,
                    principal: OUTSIDE,
                    action: "lambda:GetLayerVersion",
                    statementId: "acct",
                },
            },
            ...[
                { accountId: SECURITY_ACCOUNT },
                { organizationArn: ORG_ARN },
                { organizationalUnitArn: OU_ARN },
            ].map((p) => ({
                what: `an AMI launch permission with ${Object.keys(p)[0]}`,
                type: aws.ec2.AmiLaunchPermission,
                props: { imageId: "ami-0123456789abcdef0", ...p },
            })),
            {
                what: "a snapshot shared with an account",
                type: aws.ec2.SnapshotCreateVolumePermission,
                props: { snapshotId: "snap-0123", accountId: SECURITY_ACCOUNT },
            },
            {
                what: "an endpoint service allowing named accounts",
                type: aws.ec2.VpcEndpointService,
                props: {
                    acceptanceRequired: true,
                    allowedPrincipals: [`arn:aws:iam::${SECURITY_ACCOUNT}:root`],
                },
            },
            {
                what: "a Private CA permission for ACM without sourceAccount (ACM acts for the CA's own account only)",
                type: aws.acmpca.Permission,
                props: {
                    certificateAuthorityArn:
                        "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/x",
                    principal: "acm.amazonaws.com",
                    actions: ["IssueCertificate", "GetCertificate", "ListPermissions"],
                },
            },
            {
                what: "a RAM association with the organization",
                type: aws.ram.PrincipalAssociation,
                props: {
                    principal: ORG_ARN,
                    resourceShareArn: "arn:aws:ram:us-east-1:222222222222:resource-share/x",
                },
            },
            {
                what: "a portfolio share with an OU",
                type: aws.servicecatalog.PortfolioShare,
                props: { portfolioId: "port-1", principalId: OU_ARN, type: "ORGANIZATIONAL_UNIT" },
            },
            {
                what: "a KMS grant to a role",
                type: aws.kms.Grant,
                props: {
                    keyId: "k",
                    granteePrincipal: `arn:aws:iam::${SECURITY_ACCOUNT}:role/app`,
                    operations: ["Encrypt", "Decrypt"],
                },
            },
            {
                what: "an Alexa skill's Lambda permission, named by its eventSourceToken",
                type: aws.lambda.Permission,
                props: {
                    function: "fn",
                    action: "lambda:InvokeFunction",
                    principal: "alexa-appkit.amazon.com",
                    eventSourceToken: "amzn1.ask.skill.0000-1111",
                },
            },
            ...[
                { sourceAccount: SECURITY_ACCOUNT },
                { sourceArn: `arn:aws:sns:us-east-1:${SECURITY_ACCOUNT}:alerts` },
                { sourceArn: "arn:aws:s3:::uploads", sourceAccount: SECURITY_ACCOUNT },
            ].map((p) => ({
                what: `a Lambda permission for a service with ${Object.keys(p).join(" and ")}`,
                type: aws.lambda.Permission,
                props: {
                    function: "fn",
                    action: "lambda:InvokeFunction",
                    principal: "sns.amazonaws.com",
                    ...p,
                },
            })),
        ];
        for (const c of cases) it(c.what, async () => assertViolations(await run(c), 0));
    });

    it("honours exemptResources for a grant", async () => {
        const r = await runResourcePolicy(
            iamNoWildcardPrincipal,
            aws.ec2.AmiLaunchPermission,
            { imageId: "ami-1", group: "all" },
            { name: "public-ami", config: { exemptResources: ["public-ami"] } },
        );
        assertViolations(r, 0);
    });
});

describe("the statement a grant stands for, decided by the one evaluator", () => {
    const doc = (type: string, props: Record<string, unknown>) =>
        parsePolicyDocument(
            PERMISSION_DOCUMENTS.find((d) => d.type === type)!.build(props),
            "resource",
        );

    it("reads organization and OU ARNs as org (and path) conditions, services as service principals", () => {
        assert.deepStrictEqual(granteeOf("all"), { Principal: "*" });
        assert.deepStrictEqual(granteeOf(OUTSIDE), { Principal: { AWS: OUTSIDE } });
        assert.deepStrictEqual(granteeOf(ORG_ARN), {
            Principal: "*",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123example" } },
        });
        assert.deepStrictEqual(granteeOf(OU_ARN), {
            Principal: "*",
            Condition: {
                StringEquals: { "aws:PrincipalOrgID": "o-abc123example" },
                "ForAnyValue:StringLike": {
                    "aws:PrincipalOrgPaths": "o-abc123example/*/ou-ab12-34cd56ef/*",
                },
            },
        });
        assert.deepStrictEqual(granteeOf("acm.amazonaws.com"), {
            Principal: { Service: "acm.amazonaws.com" },
        });
    });

    it("a public AMI is found by findPublicAccess, an org-shared one is not", () => {
        const t = "aws:ec2/amiLaunchPermission:AmiLaunchPermission";
        assert.strictEqual(findPublicAccess(doc(t, { imageId: "ami-1", group: "all" })).length, 1);
        assert.strictEqual(
            findPublicAccess(doc(t, { imageId: "ami-1", organizationArn: ORG_ARN })).length,
            0,
        );
    });

    it("findConfusedDeputy: the named service, acting for an outsider's resource", () => {
        const t = "aws:lambda/permission:Permission";
        const [f] = findConfusedDeputy(doc(t, { function: "fn", principal: "s3.amazonaws.com" }));
        assert.strictEqual(f.service, "s3.amazonaws.com");
        assert.deepStrictEqual(f.witness.principal, {
            type: "service",
            service: "s3.amazonaws.com",
        });
        assert.deepStrictEqual(
            findConfusedDeputy(
                doc(t, {
                    function: "fn",
                    principal: "s3.amazonaws.com",
                    sourceAccount: SECURITY_ACCOUNT,
                }),
            ),
            [],
        );
        // An account principal is not a deputy.
        assert.deepStrictEqual(
            findConfusedDeputy(doc(t, { function: "fn", principal: OUTSIDE })),
            [],
        );
    });

    it("a KMS grant's encryption-context constraint becomes a condition", () => {
        const d = PERMISSION_DOCUMENTS.find((x) => x.type === "aws:kms/grant:Grant")!.build({
            keyId: "k",
            granteePrincipal: "*",
            operations: ["Decrypt"],
            constraints: [{ encryptionContextEquals: { app: "billing" } }],
        }) as { Statement: Array<{ Action: unknown; Condition: unknown }> };
        assert.deepStrictEqual(d.Statement[0].Action, ["kms:Decrypt"]);
        assert.deepStrictEqual(d.Statement[0].Condition, {
            StringEquals: { "kms:EncryptionContext:app": "billing" },
        });
    });
});

describe("the table's grant types and the readers", () => {
    it("every `grant` type of the generated table has exactly one reader, and every reader a `grant` type", () => {
        const granting = Object.entries(POLICY_TYPES.types)
            .filter(([, e]) => Object.values(e.props).includes("grant"))
            .map(([t]) => t)
            .sort();
        const read = PERMISSION_DOCUMENTS.map((d) => d.type).sort();
        assert.deepStrictEqual(read, granting);
        assert.strictEqual(new Set(read).size, read.length);
        // The types the issue names are read.
        for (const t of [
            "aws:lambda/layerVersionPermission:LayerVersionPermission",
            "aws:lambda/permission:Permission",
            "aws:acmpca/permission:Permission",
            "aws:signer/signingProfilePermission:SigningProfilePermission",
            "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
            "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
            "aws:ram/principalAssociation:PrincipalAssociation",
        ])
            assert.ok(
                PERMISSION_DOCUMENTS.some((g) => g.type === t),
                t,
            );
        assert.ok(GRANT_READERS.length >= 10);
    });

    it("a grant type the table has not classified is reported not checked (advisory), never silent", async () => {
        const token = "aws:lambda/layerVersionPermission:LayerVersionPermission";
        const table: PolicyTypeTable = {
            ...POLICY_TYPES,
            types: { [token]: { service: "lambda", props: { principal: "unknown" } } },
        };
        const policy = policyDocumentNotCheckedFor(table);
        const r = await runResourcePolicy(policy, aws.lambda.LayerVersionPermission, {
            layerName: "l",
            versionNumber: 1,
            principal: "*",
            action: "lambda:GetLayerVersion",
            statementId: "s",
        });
        assertViolations(r, 1, token, "principal", "not checked", "update-policy-types");
        assert.strictEqual(policy.enforcementLevel, "advisory");
    });

    it("a grant in another permission model is reported not checked", async () => {
        const r = await runResourcePolicy(policyDocumentNotChecked, aws.lakeformation.Permissions, {
            principal: `arn:aws:iam::${OUTSIDE}:root`,
            permissions: ["SELECT"],
        });
        assertViolations(
            r,
            1,
            "aws:lakeformation/permissions:Permissions principal",
            "not checked",
        );
    });

    it("the table names the policy this spec runs", () =>
        assert.strictEqual(iamNoWildcardPrincipal.name, NAME));
});

describe("grants written as properties inside StackSet templates", () => {
    const extended = () => policies.find((p) => p.name === NAME) as ResourceValidationPolicy;
    const stackSet = (templateBody: unknown) =>
        runResourcePolicy(extended(), aws.cloudformation.StackSet, {
            name: "grants",
            templateBody,
            permissionModel: "SERVICE_MANAGED",
        });
    const json = (resources: Record<string, unknown>) =>
        JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources });

    describe("flags", () => {
        const cases: Array<[string, unknown, string[]]> = [
            [
                "a Lambda permission for S3 with no source (JSON string)",
                json({
                    Invoke: {
                        Type: "AWS::Lambda::Permission",
                        Properties: {
                            FunctionName: "fn",
                            Action: "lambda:InvokeFunction",
                            Principal: "s3.amazonaws.com",
                        },
                    },
                }),
                ["resource Invoke", "confused deputy", "s3.amazonaws.com"],
            ],
            [
                "a Lambda permission for SNS with no source (YAML, FunctionName from !GetAtt)",
                [
                    "Resources:",
                    "  Fn:",
                    "    Type: AWS::Lambda::Function",
                    "  Invoke:",
                    "    Type: AWS::Lambda::Permission",
                    "    Properties:",
                    "      FunctionName: !GetAtt Fn.Arn",
                    "      Action: lambda:InvokeFunction",
                    "      Principal: sns.amazonaws.com",
                ].join("\n"),
                ["resource Invoke", "confused deputy", "sns.amazonaws.com"],
            ],
            [
                'a layer shared with "*" and no OrganizationId (template object)',
                {
                    Resources: {
                        Share: {
                            Type: "AWS::Lambda::LayerVersionPermission",
                            Properties: {
                                Action: "lambda:GetLayerVersion",
                                LayerVersionArn: "arn:aws:lambda:us-east-1:222222222222:layer:l:1",
                                Principal: "*",
                            },
                        },
                    },
                },
                ["resource Share", "Lambda layer permission", 'principal="*"'],
            ],
            [
                'endpoint service permissions with "*" (YAML, one principal a !Sub)',
                [
                    "Resources:",
                    "  Perms:",
                    "    Type: AWS::EC2::VPCEndpointServicePermissions",
                    "    Properties:",
                    "      ServiceId: vpce-svc-0123",
                    "      AllowedPrincipals:",
                    "        - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root",
                    "        - '*'",
                ].join("\n"),
                ["resource Perms.AllowedPrincipals[1]", 'principalArn="*"'],
            ],
            [
                'an event bus policy written as properties, Principal "*" and no Condition (YAML)',
                [
                    "Resources:",
                    "  Open:",
                    "    Type: AWS::Events::EventBusPolicy",
                    "    Properties:",
                    "      StatementId: open",
                    "      Action: events:PutEvents",
                    "      Principal: '*'",
                ].join("\n"),
                ["resource Open", "EventBridge bus permission", "events:PutEvents"],
            ],
            [
                'an event bus policy given as a Statement for "*" (JSON, Resource !GetAtt)',
                json({
                    Bus: { Type: "AWS::Events::EventBus", Properties: { Name: "orders" } },
                    Open: {
                        Type: "AWS::Events::EventBusPolicy",
                        Properties: {
                            StatementId: "open",
                            EventBusName: { Ref: "Bus" },
                            Statement: {
                                Effect: "Allow",
                                Principal: "*",
                                Action: "events:PutEvents",
                                Resource: { "Fn::GetAtt": ["Bus", "Arn"] },
                            },
                        },
                    },
                }),
                ["resource Open", "events:PutEvents"],
            ],
            [
                'a signing profile permission for "*" (YAML)',
                [
                    "Resources:",
                    "  Sign:",
                    "    Type: AWS::Signer::ProfilePermission",
                    "    Properties:",
                    "      ProfileName: prod",
                    "      Action: signer:StartSigningJob",
                    "      Principal: '*'",
                    "      StatementId: all",
                ].join("\n"),
                ["resource Sign", "signing profile permission"],
            ],
        ];
        for (const [what, body, says] of cases)
            it(what, async () =>
                assertViolations(await stackSet(body), 1, "in the template of", ...says),
            );
    });

    describe("passes", () => {
        const cases: Array<[string, unknown]> = [
            [
                "a Lambda permission for S3 with SourceArn !GetAtt and SourceAccount !Ref AWS::AccountId (YAML)",
                [
                    "Resources:",
                    "  Uploads:",
                    "    Type: AWS::S3::Bucket",
                    "  Invoke:",
                    "    Type: AWS::Lambda::Permission",
                    "    Properties:",
                    "      FunctionName: fn",
                    "      Action: lambda:InvokeFunction",
                    "      Principal: s3.amazonaws.com",
                    "      SourceArn: !GetAtt Uploads.Arn",
                    "      SourceAccount: !Ref AWS::AccountId",
                ].join("\n"),
            ],
            [
                "a Lambda permission for SNS with a Fn::Sub topic ARN of the stack's account (JSON)",
                json({
                    Invoke: {
                        Type: "AWS::Lambda::Permission",
                        Properties: {
                            FunctionName: "fn",
                            Action: "lambda:InvokeFunction",
                            Principal: "sns.amazonaws.com",
                            SourceArn: {
                                "Fn::Sub":
                                    "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:alerts",
                            },
                        },
                    },
                }),
            ],
            [
                "a layer shared with the organization (JSON)",
                json({
                    Share: {
                        Type: "AWS::Lambda::LayerVersionPermission",
                        Properties: {
                            Action: "lambda:GetLayerVersion",
                            LayerVersionArn: "arn:aws:lambda:us-east-1:222222222222:layer:l:1",
                            Principal: "*",
                            OrganizationId: "o-abc123example",
                        },
                    },
                }),
            ],
            [
                "a RAM share with the organization (YAML)",
                [
                    "Resources:",
                    "  Share:",
                    "    Type: AWS::RAM::ResourceShare",
                    "    Properties:",
                    "      Name: subnets",
                    "      AllowExternalPrincipals: false",
                    `      Principals: [${ORG_ARN}]`,
                ].join("\n"),
            ],
            [
                'an event bus policy for "*" with a PrincipalOrgID Condition (YAML)',
                [
                    "Resources:",
                    "  Org:",
                    "    Type: AWS::Events::EventBusPolicy",
                    "    Properties:",
                    "      StatementId: org",
                    "      Action: events:PutEvents",
                    "      Principal: '*'",
                    "      Condition:",
                    "        Type: StringEquals",
                    "        Key: aws:PrincipalOrgID",
                    "        Value: o-abc123example",
                ].join("\n"),
            ],
            [
                "a portfolio share with one account (JSON)",
                json({
                    Share: {
                        Type: "AWS::ServiceCatalog::PortfolioShare",
                        Properties: { PortfolioId: "port-1", AccountId: OUTSIDE },
                    },
                }),
            ],
        ];
        for (const [what, body] of cases)
            it(what, async () => assertViolations(await stackSet(body), 0));
    });
});

describe("the confused deputy agrees with iam-simulate", () => {
    const FN = `arn:aws:lambda:us-east-1:${SECURITY_ACCOUNT}:function:fn`;
    const build = (props: Record<string, unknown>) =>
        PERMISSION_DOCUMENTS.find((d) => d.type === "aws:lambda/permission:Permission")!.build({
            function: "fn",
            action: "lambda:InvokeFunction",
            ...props,
        });
    async function allows(
        doc: Record<string, unknown>,
        service: string,
        context: Record<string, string>,
    ): Promise<boolean> {
        const r = await runSimulation(
            {
                request: {
                    principal: service,
                    action: "lambda:InvokeFunction",
                    resource: { resource: FN, accountId: SECURITY_ACCOUNT },
                    contextVariables: context,
                },
                identityPolicies: [],
                serviceControlPolicies: [],
                resourceControlPolicies: [],
                // As AWS stores it: the builder's absent Sid is no key at all.
                resourcePolicy: JSON.parse(JSON.stringify(doc)) as Record<string, unknown>,
            },
            {},
        );
        assert.strictEqual(r.resultType, "single", JSON.stringify(r));
        return (r as { overallResult?: string }).overallResult === "Allowed";
    }
    const configs: Array<Record<string, unknown>> = [
        { principal: "s3.amazonaws.com" },
        { principal: "sns.amazonaws.com", sourceArn: "arn:aws:sns:us-east-1:*:alerts" },
        { principal: "events.amazonaws.com", sourceAccount: SECURITY_ACCOUNT },
        {
            principal: "sns.amazonaws.com",
            sourceArn: `arn:aws:sns:us-east-1:${SECURITY_ACCOUNT}:alerts`,
        },
        {
            principal: "logs.amazonaws.com",
            principalOrgId: "o-abc123example",
            sourceAccount: SECURITY_ACCOUNT,
        },
    ];
    for (const props of configs)
        it(JSON.stringify(props), async () => {
            const doc = build(props);
            const found = findConfusedDeputy(parsePolicyDocument(doc, "resource"));
            const service = String(props.principal);
            if (found.length) {
                // The witness request is one iam-simulate allows too.
                const ctx = Object.fromEntries(
                    Object.entries(found[0].witness.context).map(([k, v]) => [k, String(v)]),
                );
                assert.ok(await allows(doc, service, ctx), JSON.stringify(ctx));
            } else {
                // No outsider's resource gets the service in: absent source, another account's.
                const contexts: Array<Record<string, string>> = [
                    {},
                    { "aws:SourceAccount": OUTSIDE },
                    {
                        "aws:SourceAccount": OUTSIDE,
                        "aws:SourceArn": `arn:aws:sns:us-east-1:${OUTSIDE}:alerts`,
                    },
                ];
                for (const ctx of contexts)
                    assert.strictEqual(await allows(doc, service, ctx), false, JSON.stringify(ctx));
            }
            // The verdicts the pack gives: the first two are deputies, the rest are fenced.
            assert.strictEqual(found.length > 0, configs.indexOf(props) < 2);
        });
});

describe("the grant rule of update:policy-types on a provider it has never seen", () => {
    let root: string;
    before(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "grant-types-"));
        fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ version: "99.0.0" }));
        fs.mkdirSync(path.join(root, "types"));
        fs.writeFileSync(path.join(root, "types", "input.d.ts"), "");
        const cls = (file: string, token: string, args: string[]) => {
            const name = token.split(":").pop()!;
            fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
            fs.writeFileSync(
                path.join(root, `${file}.js`),
                `class ${name} {\n    static __pulumiType = '${token}';\n}\n`,
            );
            fs.writeFileSync(
                path.join(root, `${file}.d.ts`),
                `export declare class ${name} {}\nexport interface ${name}Args {\n${args.join("\n")}\n}\n`,
            );
        };
        cls("widgets/widgetPermission", "aws:widgets/widgetPermission:WidgetPermission", [
            "    principal: pulumi.Input<string>;",
            "    sourceAccount?: pulumi.Input<string | undefined>;",
            "    widgetArn: pulumi.Input<string>;",
        ]);
        cls("widgets/widgetShare", "aws:widgets/widgetShare:WidgetShare", [
            "    accountIds?: pulumi.Input<pulumi.Input<string>[] | undefined>;",
        ]);
        cls("widgets/gadgetUrl", "aws:widgets/gadgetUrl:GadgetUrl", [
            "    authorizationType: pulumi.Input<string>;",
        ]);
        // A grantee-like name on a class that does not grant is no grant.
        cls("widgets/gadget", "aws:widgets/gadget:Gadget", [
            "    accountId?: pulumi.Input<string | undefined>;",
        ]);
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("finds grantee properties of granting classes as unknown, and the pack reports them not checked", async () => {
        const t = update.derivePolicyTypes(root);
        assert.deepStrictEqual(t.types, {
            "aws:widgets/gadgetUrl:GadgetUrl": {
                service: "widgets",
                props: { authorizationType: "unknown" },
            },
            "aws:widgets/widgetPermission:WidgetPermission": {
                service: "widgets",
                props: { principal: "unknown", sourceAccount: "unknown" },
            },
            "aws:widgets/widgetShare:WidgetShare": {
                service: "widgets",
                props: { accountIds: "unknown" },
            },
        });
        const r = await runResourcePolicy(
            policyDocumentNotCheckedFor(t),
            "aws:widgets/widgetShare:WidgetShare",
            { accountIds: [OUTSIDE] },
        );
        assertViolations(r, 1, "aws:widgets/widgetShare:WidgetShare accountIds is not checked");
    });
});
