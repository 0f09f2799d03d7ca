// The log evidence's keys: the organization trail, its bucket's lifecycle and Object Lock, and
// where the CloudTrail alarms send notifications.
import { z } from "zod";
import { BUCKET_NAME } from "../patterns";
import { strictList } from "./common";
import { DEFAULT_OBJECT_LOCK_RETENTION_DAYS, LOG_RETENTION_DAYS } from "./constants";

/** A deliberately plain address check: one @, no spaces, a dot in the domain. SNS confirms the rest. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;

/** The organization trail (components/orgTrail.ts). */
export const trailSchema = z
    .strictObject({
        name: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/, {
                error: "must be a trail name: 3-128 letters, digits, '.', '_' or '-'",
            })
            .default("org-access"),
        bucketName: z
            .string()
            .regex(BUCKET_NAME, {
                error: "must be a valid S3 bucket name (3-63 lowercase characters)",
            })
            .optional(),
        logGroupRetentionDays: z
            .number()
            .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
                error: `must be one of CloudWatch's periods: ${LOG_RETENTION_DAYS.join(", ")}`,
            })
            .default(365),
        transitionDays: z.number().int().min(1, { error: "must be at least 1 day" }).default(90),
        storageClass: z
            .enum(["GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"], {
                error: "must be GLACIER, DEEP_ARCHIVE or GLACIER_IR",
            })
            .default("GLACIER"),
        expirationDays: z.number().int().min(1).optional(),
        /**
         * Default S3 Object Lock retention of every log object, in COMPLIANCE mode: nobody, root
         * included, can delete a log version or shorten its retention before it ends.
         * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
         */
        objectLockRetentionDays: z
            .number()
            .int({ error: "must be a whole number of days" })
            .min(1, { error: "must be at least 1 day" })
            .default(DEFAULT_OBJECT_LOCK_RETENTION_DAYS),
    })
    .refine((t) => t.expirationDays === undefined || t.expirationDays > t.transitionDays, {
        error: "must be greater than trail.transitionDays (logs must reach cold storage before they expire)",
        path: ["expirationDays"],
    })
    .default({
        name: "org-access",
        logGroupRetentionDays: 365,
        transitionDays: 90,
        storageClass: "GLACIER",
        objectLockRetentionDays: DEFAULT_OBJECT_LOCK_RETENTION_DAYS,
    });

/** Where the CloudTrail alarms send notifications. The alarms themselves always exist. */
export const alarmsSchema = z
    .strictObject({
        /** Email addresses subscribed to the alarm topic; each address must confirm its subscription. */
        emails: strictList(
            z.string({ error: "must be an email address" }).regex(EMAIL, {
                error: "must be an email address such as security@example.com",
            }),
            "email addresses",
        ).default([]),
    })
    .default({ emails: [] });
