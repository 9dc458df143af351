import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  formatDuration, formatEta, isTerminal, jobBadge, jobStateLabel, jobTimes, outcomeSentence, percentDone, posFieldTypeLabel, posTraffic,
  progressCounts,
} from "../src/client";
import {
  DepartmentImportState, ImportJobSchema, ImportJobState, ImportProgressSchema,
} from "../src/gen/pos/imports/v1/import_service_pb";

describe("import progress in plain words", () => {
  it("labels every job state", () => {
    expect(jobStateLabel(ImportJobState.UNSPECIFIED)).toEqual({ label: "Not started", tone: "idle" });
    expect(jobStateLabel(ImportJobState.RUNNING).tone).toBe("running");
    expect(jobStateLabel(ImportJobState.SUCCEEDED)).toEqual({ label: "Done", tone: "done" });
    expect(jobStateLabel(ImportJobState.FAILED).tone).toBe("failed");
    expect(jobStateLabel(ImportJobState.CANCELLED).tone).toBe("cancelled");
    expect([ImportJobState.QUEUED, ImportJobState.RUNNING].some(isTerminal)).toBe(false);
  });

  it("computes the percentage and the counts", () => {
    const progress = create(ImportProgressSchema, { departmentDaysTotal: 30, departmentDaysDone: 10, salesRead: 12345n, valuesWritten: 678n });
    expect(percentDone(progress)).toBe(33);
    expect(percentDone(undefined)).toBe(0);
    expect(progressCounts(progress)[0]).toEqual({ label: "Department-days", value: "10 / 30" });
    expect(progressCounts(progress)[1]).toEqual({ label: "Sales read", value: "12,345" });
  });

  it("formats the ETA only while running", () => {
    const now = new Date("2025-03-01T10:00:00Z");
    const job = create(ImportJobSchema, {
      state: ImportJobState.RUNNING,
      progress: { estimatedEndTime: timestampFromDate(new Date("2025-03-01T10:05:00Z")) },
    });
    expect(formatEta(job, now)).toMatch(/^about 5 min left \(until \d\d:\d\d\)$/);
    job.state = ImportJobState.SUCCEEDED;
    expect(formatEta(job, now)).toBe("");
  });

  it("says how a job ended, and that a job with failed days is done with problems", () => {
    const job = create(ImportJobSchema, {
      state: ImportJobState.SUCCEEDED,
      progress: { departmentDaysTotal: 5, departmentDaysDone: 5, valuesWritten: 1234n },
    });
    expect(jobBadge(job)).toEqual({ label: "Done", tone: "done" });
    expect(outcomeSentence(job)).toBe("All 5 department-days imported: 1,234 values written into the weekly balance.");

    job.progress!.departmentDaysDone = 4;
    job.progress!.errors = [{ $typeName: "pos.imports.v1.ImportError", departmentId: 10n, date: "2026-03-02", reason: "X", message: "m" }];
    expect(jobBadge(job)).toEqual({ label: "Done, with problems", tone: "warning" });
    expect(outcomeSentence(job)).toBe("4 of 5 department-days imported; 1 department-day could not be imported (see the problems below).");

    job.progress!.errors = [];
    job.progress!.departments = [{ $typeName: "pos.imports.v1.DepartmentProgress", departmentId: 10n, state: DepartmentImportState.FAILED, daysDone: 0, daysTotal: 1, error: "e" }];
    expect(jobBadge(job).tone).toBe("warning");

    job.state = ImportJobState.CANCELLED;
    expect(outcomeSentence(job)).toBe("Cancelled after 4 of 5 department-days; what was imported stays.");
    job.state = ImportJobState.FAILED;
    expect(jobBadge(job)).toEqual({ label: "Failed", tone: "failed" });
    expect(outcomeSentence(job)).toMatch(/^Nothing could be imported/);
    job.state = ImportJobState.RUNNING;
    expect(outcomeSentence(job)).toBe("");
    expect(jobBadge(undefined)).toEqual({ label: "Not started", tone: "idle" });
  });

  it("tells who started a job, when it finished and how long it took", () => {
    const job = create(ImportJobSchema, {
      state: ImportJobState.SUCCEEDED,
      createdBy: "alice",
      startTime: timestampFromDate(new Date("2025-03-01T10:00:00Z")),
      endTime: timestampFromDate(new Date("2025-03-01T10:03:05Z")),
    });
    expect(jobTimes(job)).toMatch(/^Started \d\d:\d\d:\d\d by alice · finished \d\d:\d\d:\d\d \(3 min 05 s\)$/);
    expect(formatDuration(14)).toBe("14 s");
    expect(formatDuration(3725)).toBe("1 h 02 min");
  });

  it("names what Lightspeed was asked and what it does not provide", () => {
    expect(posTraffic(create(ImportProgressSchema, { requestsMade: 1n }))).toBe("1 request to Lightspeed");
    expect(posTraffic(create(ImportProgressSchema, { requestsMade: 1200n, rateLimitWaitMs: 65_000n })))
      .toBe("1,200 requests to Lightspeed, 1 min 05 s waiting for its rate limit");
    expect(posFieldTypeLabel("POS_FIELD_TYPE_VISITORS")).toBe("Visitors");
    expect(posFieldTypeLabel("POS_FIELD_TYPE_RETURNED_GOODS")).toBe("Returned goods");
  });
});
