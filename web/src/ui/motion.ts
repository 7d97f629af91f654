/**
 * Whether the person asked their system for less motion (prefers-reduced-motion: older users
 * and people whom movement unsettles do; the accessible mode of the seeds asks for calm pages).
 * Then antd's zooms, slides and waves are off and charts are drawn at once. Read once at start.
 */
export const reducedMotion: boolean =
  typeof window !== 'undefined' && (window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false);
