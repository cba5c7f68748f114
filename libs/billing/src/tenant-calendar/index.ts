export { canonicalLocaleOf, isLocale, isTimeZone, requireLocale, requireTimeZone } from './intl-identifiers.js';
export { formatDate, formatMoney } from './locale-format.js';
export { calendarDateInZone, calendarPeriodInZone, type CalendarPeriod } from './tenant-calendar.js';
export { startOfDayInZone } from './zoned-day-start.js';
