// The guardrails' keys: where the service control policies attach, and the regions they allow.
import { z } from "zod";
import { REGION_NAME } from "../patterns";
import { strictList, targetId } from "./common";
import { knownRegion } from "../regions";

/**
 * Service control policies, created in the management account. Off unless set: attaching SCPs
 * changes what every account below the targets may do, so the targets are always explicit.
 */
export const guardrailsSchema = z
    .strictObject({
        /** Where the organization-wide SCPs attach: the root (r-...), OUs (ou-...-...) or member account ids. */
        targets: strictList(targetId(), "target ids").min(1, {
            error: "must name at least one root, OU or account id",
        }),
        /** Where the no-long-lived-credentials SCP attaches. Default: every account of the workload stacks. */
        workloadTargets: strictList(targetId(), "target ids")
            .min(1, { error: "must name at least one root, OU or account id" })
            .optional(),
        /** Regions the organization may use; when set, an SCP denies the others, except for global services. */
        allowedRegions: strictList(
            z
                .string({ error: "must be a region name" })
                .regex(REGION_NAME, { error: "must be an AWS region name such as eu-west-1" })
                .superRefine(knownRegion),
            "region names",
        )
            .min(1, { error: "must name at least one region" })
            .optional(),
    })
    .optional();
