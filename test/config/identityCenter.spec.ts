// The identityCenter key: its schema (instance ARN, identity store id, group ids, deploying account)
// and the rules across keys, every problem at once with the key named and the fix given.
import * as assert from "assert";
import { ConfigError, loadSecurityConfig, validateSecurityConfig } from "../../config";
import { MANAGEMENT, PROD, projectWith, SECURITY, securityValues } from "../helpers";

const INSTANCE = "arn:aws:sso:::instance/ssoins-1234567890abcdef";
const AUDIT = "906722b2-4011-70ac-c9b5-e1cd8b4ca7b1";
const GLASS = "c1d2e3f4-5061-7089-aabb-ccddeeff0011";

function problems(values: Record<string, unknown>, region = "us-east-1"): string[] {
    try {
        validateSecurityConfig({ values, region });
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.message.split("\n").slice(1);
    }
    assert.fail("expected the config to be rejected");
}

const ic = (over: Record<string, unknown> = {}) =>
    securityValues({
        identityCenter: {
            instanceArn: INSTANCE,
            identityStoreId: "d-1234567890",
            auditGroups: [AUDIT],
            ...over,
        },
    });

describe("config: identityCenter", () => {
    it("is off when absent", () => {
        const cfg = validateSecurityConfig({ values: securityValues(), region: "us-east-1" });
        assert.strictEqual(cfg.identityCenter, undefined);
    });

    it("accepts a minimal instance and defaults the deploying account, the portal URL and the region", () => {
        const cfg = loadSecurityConfig(
            "security",
            { values: ic(), region: "eu-west-1" },
            projectWith({
                workload: {
                    securityAccountId: SECURITY,
                    workloadAccounts: [{ name: "prod", accountId: PROD }],
                },
            }),
        );
        assert.deepStrictEqual(
            {
                deploy: cfg.identityCenter!.deploy.accountId,
                portalUrl: cfg.identityCenter!.portalUrl,
                ssoRegion: cfg.identityCenter!.ssoRegion,
                incident: cfg.identityCenter!.incidentResponseGroups,
                glass: cfg.identityCenter!.breakGlassGroups,
            },
            {
                deploy: MANAGEMENT,
                portalUrl: "https://d-1234567890.awsapps.com/start",
                ssoRegion: "eu-west-1",
                incident: [],
                glass: [],
            },
        );
    });

    it("takes a delegated administrator as an account with its own deploy role", () => {
        const cfg = loadSecurityConfig(
            "security",
            {
                values: ic({
                    deployAccount: { accountId: "210987654321", deployRoleName: "IcDeploy" },
                    ssoRegion: "us-west-2",
                    portalUrl: "https://example.awsapps.com/start/",
                }),
                region: "us-east-1",
            },
            projectWith({
                workload: {
                    securityAccountId: SECURITY,
                    workloadAccounts: [{ name: "prod", accountId: PROD }],
                },
            }),
        );
        const c = cfg.identityCenter!;
        assert.deepStrictEqual(
            [c.deploy.name, c.deploy.accountId, c.deploy.deployRoleName, c.portalUrl, c.ssoRegion],
            [
                "identity-center-admin",
                "210987654321",
                "IcDeploy",
                "https://example.awsapps.com/start",
                "us-west-2",
            ],
        );
    });

    it("accepts the portal URLs the console shows: IPv4, dual-stack, regional and China's", () => {
        for (const [portalUrl, region, ssoRegion, instanceArn] of [
            [
                "https://ssoins-1234567890abcdef.portal.us-east-1.app.aws",
                "us-east-1",
                undefined,
                INSTANCE,
            ],
            [
                "https://ssoins-1234567890abcdef.portal.eu-west-1.app.aws/",
                "us-east-1",
                "eu-west-1",
                INSTANCE,
            ],
            [
                "https://ssoins-1234567890abcdef.eu-west-1.portal.amazonaws.com",
                "eu-west-1",
                undefined,
                INSTANCE,
            ],
            [
                "https://ssoins-1234567890abcdef.portal.cn-north-1.app.amazonwebservices.com.cn",
                "cn-north-1",
                undefined,
                "arn:aws-cn:sso:::instance/ssoins-1234567890abcdef",
            ],
        ] as const) {
            const cfg = validateSecurityConfig({
                values: ic({ portalUrl, instanceArn, ...(ssoRegion ? { ssoRegion } : {}) }),
                region,
            });
            assert.strictEqual(cfg.identityCenter?.portalUrl, portalUrl, portalUrl);
        }
    });

    it("refuses a portal URL of another instance or region, with the malformed ones, at once", () => {
        const other = (portalUrl: string, over: Record<string, unknown> = {}) =>
            problems(ic({ portalUrl, ...over }), "eu-west-1");
        assert.deepStrictEqual(
            other("https://ssoins-ffffffffffffffff.portal.us-east-1.app.aws", {
                ssoRegion: "eu-west-1",
            }),
            [
                "* org-access:identityCenter.portalUrl: names instance ssoins-ffffffffffffffff, but instanceArn is ssoins-1234567890abcdef's (copy the AWS access portal URL of this instance (IAM Identity Center console, Dashboard))",
                "* org-access:identityCenter.portalUrl: is in region us-east-1, but the instance's region (identityCenter.ssoRegion) is eu-west-1 (copy the portal URL of the instance's region, or correct identityCenter.ssoRegion)",
            ],
        );
        assert.deepStrictEqual(other("https://ssoins-1234567890abcdef.portal.us-east-1.app.aws"), [
            "* org-access:identityCenter.portalUrl: is in region us-east-1, but the instance's region (aws:region) is eu-west-1 (pulumi config set --path 'org-access:identityCenter.ssoRegion' us-east-1)",
        ]);
        for (const bad of [
            "http://ssoins-1234567890abcdef.portal.us-east-1.app.aws",
            "https://ssoins-1234567890abcdef.portal.us-east-1.app.aws.evil.example",
            "https://d-1234567890.awsapps.com",
        ])
            assert.deepStrictEqual(
                other(bad).map((l) => l.split(" (got")[0]),
                [
                    "* org-access:identityCenter.portalUrl: must be the access portal URL the IAM Identity Center console shows, such as https://d-1234567890.awsapps.com/start or https://ssoins-1234567890abcdef.portal.us-east-1.app.aws",
                ],
                bad,
            );
    });

    it("takes an AWS-managed boundary and refuses a customer-managed one, which no account would hold", () => {
        const cfg = validateSecurityConfig({
            values: ic({
                permissionsBoundary: {
                    managedPolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
                },
            }),
            region: "us-east-1",
        });
        assert.deepStrictEqual(cfg.identityCenter?.permissionsBoundary, {
            managedPolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
        });
        assert.deepStrictEqual(
            problems(
                ic({ permissionsBoundary: { customerManagedPolicy: { name: "OrgBoundary" } } }),
            ),
            [
                "* org-access:identityCenter.permissionsBoundary.managedPolicyArn: is required (set it with: pulumi config set --path 'org-access:identityCenter.permissionsBoundary.managedPolicyArn' arn:aws:iam::aws:policy/ReadOnlyAccess)",
                "* org-access:identityCenter.permissionsBoundary.customerManagedPolicy: is not supported: a customer-managed boundary must exist in every assigned account, and this program creates it in none (use managedPolicyArn with an AWS-managed policy, or leave the boundary out) (got an object)",
            ],
        );
        assert.deepStrictEqual(
            problems(
                ic({
                    permissionsBoundary: {
                        managedPolicyArn: "arn:aws:iam::123456789012:policy/OrgBoundary",
                    },
                }),
            ).map((l) => l.split(" (got")[0]),
            [
                "* org-access:identityCenter.permissionsBoundary.managedPolicyArn: must be an AWS-managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess (a customer-managed policy's ARN is not taken by SSO Admin)",
            ],
        );
    });

    // Issue 12, second review: SSO Admin refuses a misspelt or foreign-partition boundary only at
    // pulumi up, after the sets exist; an admin-equivalent boundary caps nothing.
    it("refuses a boundary of another partition, one AWS does not publish, and an admin-equivalent one", () => {
        const at = "* org-access:identityCenter.permissionsBoundary.managedPolicyArn";
        const boundaryProblems = (managedPolicyArn: string) =>
            problems(ic({ permissionsBoundary: { managedPolicyArn } }));
        assert.deepStrictEqual(boundaryProblems("arn:aws-cn:iam::aws:policy/ReadOnlyAccess"), [
            `${at}: is in partition aws-cn, but aws:region us-east-1 is in aws (use the policy's ARN in aws: pulumi config set --path 'org-access:identityCenter.permissionsBoundary.managedPolicyArn' arn:aws:iam::aws:policy/ReadOnlyAccess)`,
        ]);
        assert.deepStrictEqual(boundaryProblems("arn:aws:iam::aws:policy/ReadOnlyAcess"), [
            `${at}: arn:aws:iam::aws:policy/ReadOnlyAcess is not an AWS-managed policy AWS publishes (check the name (aws iam get-policy --policy-arn arn:aws:iam::aws:policy/ReadOnlyAcess), e.g. arn:aws:iam::aws:policy/ReadOnlyAccess)`,
        ]);
        for (const admin of ["AdministratorAccess", "PowerUserAccess"])
            assert.deepStrictEqual(boundaryProblems(`arn:aws:iam::aws:policy/${admin}`), [
                `${at}: arn:aws:iam::aws:policy/${admin} is admin-equivalent: as a boundary it caps nothing (choose a boundary that is not admin-equivalent (e.g. arn:aws:iam::aws:policy/ReadOnlyAccess), or leave permissionsBoundary out)`,
            ]);
        // A path in the ARN is part of the policy's name (job-function policies).
        const viewOnly = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess";
        const cfg = validateSecurityConfig({
            values: ic({ permissionsBoundary: { managedPolicyArn: viewOnly } }),
            region: "us-east-1",
        });
        assert.deepStrictEqual(cfg.identityCenter?.permissionsBoundary, {
            managedPolicyArn: viewOnly,
        });
    });

    it("reports every malformed value at once, each with its key and fix", () => {
        assert.deepStrictEqual(
            problems(
                securityValues({
                    identityCenter: {
                        instanceArn: "arn:aws:sso:::instance/ins-short",
                        identityStoreId: "1234567890",
                        auditGroups: ["Auditors"],
                        breakGlassGroups: [],
                        deployAccount: "delegated",
                        ssoRegion: "Europe",
                    },
                }),
            ),
            [
                `* org-access:identityCenter.instanceArn: must be an Identity Center instance ARN such as arn:aws:sso:::instance/ssoins-1234567890abcdef (aws sso-admin list-instances) (got "arn:aws:sso:::instance/ins-short") (fix with: pulumi config set --path 'org-access:identityCenter.instanceArn' arn:aws:sso:::instance/ssoins-1234567890abcdef)`,
                `* org-access:identityCenter.identityStoreId: must be an identity store id such as d-1234567890 (aws sso-admin list-instances) (got "1234567890") (fix with: pulumi config set --path 'org-access:identityCenter.identityStoreId' d-1234567890)`,
                `* org-access:identityCenter.auditGroups[0]: must be an Identity Store group id such as 906722b2-4011-70ac-c9b5-e1cd8b4ca7b1 (the id, not the display name: aws identitystore list-groups --identity-store-id with the identityStoreId) (got "Auditors") (fix with: pulumi config set --path 'org-access:identityCenter.auditGroups[0]' 906722b2-4011-70ac-c9b5-e1cd8b4ca7b1)`,
                "* org-access:identityCenter.breakGlassGroups: must name at least one break-glass group, or be left out (got a list)",
                `* org-access:identityCenter.deployAccount: must be "management" or an object such as { accountId: "123456789012" } (the delegated administrator) (got "delegated") (fix with: pulumi config set --path 'org-access:identityCenter.deployAccount' management)`,
                `* org-access:identityCenter.ssoRegion: must be an AWS region name such as us-east-1 (got "Europe") (fix with: pulumi config set --path 'org-access:identityCenter.ssoRegion' us-east-1)`,
            ],
        );
    });

    it("refuses a group with two duties, the management account as delegated administrator, a foreign partition and a store without a default portal URL, all at once", () => {
        const lines = problems(
            ic({
                instanceArn: "arn:aws-us-gov:sso:::instance/ssoins-1234567890abcdef",
                identityStoreId: "01234567-89ab-cdef-0123-456789abcdef",
                breakGlassGroups: [GLASS, AUDIT],
                deployAccount: { accountId: MANAGEMENT },
            }),
        );
        assert.deepStrictEqual(lines, [
            "* org-access:identityCenter.instanceArn: is in partition aws-us-gov, but aws:region us-east-1 is in aws (use the instance of this partition (aws sso-admin list-instances))",
            `* org-access:identityCenter.breakGlassGroups[1]: group ${AUDIT} is already at identityCenter.auditGroups[0]; a group holds one duty (give each duty its own Identity Store group)`,
            `* org-access:identityCenter.deployAccount.accountId: ${MANAGEMENT} is the management account, not a delegated administrator (pulumi config set --path 'org-access:identityCenter.deployAccount' management)`,
            "* org-access:identityCenter.portalUrl: has no default here: the https://<identity store id>.awsapps.com/start form exists only for a d-... store in the aws partition (set it to the AWS access portal URL the IAM Identity Center console shows under Settings: pulumi config set --path 'org-access:identityCenter.portalUrl' followed by the URL)",
        ]);
    });
});
