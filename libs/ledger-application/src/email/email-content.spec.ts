import { describe, expect, it } from '@jest/globals';
import { reminderDaysLeft } from './email-content.js';

describe('reminderDaysLeft', () => {
  it.each<[string, string, number | undefined, number | RegExp]>([
    // On its own day: the days it was for.
    ['2026-05-04', '2026-05-11', 7, 7],
    ['2026-05-10', '2026-05-11', 1, 1],
    ['2026-05-11', '2026-05-11', 0, 0],
    // Handled on a later day: superseded, never sent with a wrong count.
    ['2026-05-05', '2026-05-11', 7, /^not_applicable: the 7-day reminder is late \(6 days left\)$/],
    ['2026-05-11', '2026-05-11', 1, /late \(0 days left\)/],
    // After the due date: the overdue notice speaks, not a reminder.
    ['2026-05-12', '2026-05-11', 1, /^not_applicable: the due date has passed$/],
    ['2026-05-12', '2026-05-11', undefined, /due date has passed/],
    // A retry (no stated days) counts from the day it is made.
    ['2026-05-09', '2026-05-11', undefined, 2],
    ['2026-05-11', '2026-05-11', undefined, 0],
    // Across a month and a year end, whole calendar days.
    ['2026-12-29', '2027-01-05', 7, 7],
  ])('on %s for a due date %s, a %s-day reminder: %s', (today, dueDate, stated, expected) => {
    const result = reminderDaysLeft(today, dueDate, stated);
    if (typeof expected === 'number') expect(result).toBe(expected);
    else expect(result).toMatch(expected);
  });
});
