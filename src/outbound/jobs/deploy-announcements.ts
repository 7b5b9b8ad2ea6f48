import type { Queue } from 'bullmq';
import { announcementJobId, type AnnouncementJob } from '../../domain/deploys/announce';
import type { AnnouncementQueue } from '../../domain/deploys/announcements';

/** Announcement jobs with deterministic ids: a resend, a retried tick or a second replica adds the same job. */
export class BullAnnouncementQueue implements AnnouncementQueue {
  constructor(private readonly queue: Queue) {}

  async add(job: AnnouncementJob): Promise<void> {
    await this.queue.add(job.kind, job, { jobId: announcementJobId(job) });
  }
}
