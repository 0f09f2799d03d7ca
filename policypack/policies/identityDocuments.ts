/**
 * Where identity-policy documents live in resource props, for the advisory policies that read
 * every identity document the same way.
 */
import { ReportViolation, validateResourceOfType } from "@pulumi/policy";
import { PolicyDocument } from "../iam";
import { readDocument, validateResourceOfTypes } from "./common";
import { resourceType, T } from "./types";

export type DocumentCheck = (
    doc: PolicyDocument,
    where: string,
    report: ReportViolation,
    config: Record<string, unknown>,
) => void;

/** Runs `check` on every identity document of Policy, RolePolicy, UserPolicy, GroupPolicy and Role inline policies. */
export function onIdentityDocuments(check: DocumentCheck) {
    // Malformed documents are reported by iam-no-admin-grants.
    const run = (
        value: unknown,
        where: string,
        report: ReportViolation,
        config: Record<string, unknown>,
    ): void => {
        if (value === undefined || value === null || value === "") return;
        const doc = readDocument(value, "identity", where, undefined);
        if (doc) check(doc, where, report, config);
    };
    const simple = (type: string) =>
        validateResourceOfType(resourceType<{ policy?: unknown }>(type), (props, args, report) => {
            run(props.policy, "policy", report, args.getConfig<Record<string, unknown>>());
        });
    const role = validateResourceOfType(
        resourceType<{ inlinePolicies?: Array<{ name?: string; policy?: unknown }> }>(T.Role),
        (props, args, report) => {
            const config = args.getConfig<Record<string, unknown>>();
            (props.inlinePolicies ?? []).forEach((p, i) =>
                run(
                    p.policy,
                    `inlinePolicies[${i}]${p.name ? ` ("${p.name}")` : ""}`,
                    report,
                    config,
                ),
            );
        },
    );
    return validateResourceOfTypes(
        simple(T.Policy),
        simple(T.RolePolicy),
        simple(T.UserPolicy),
        simple(T.GroupPolicy),
        role,
    );
}
