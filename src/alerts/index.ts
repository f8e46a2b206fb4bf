export { AlertsService, ALERT_SIGNUP_LIMITS, type AlertChoice, type AlertsServiceOptions } from './alerts.service';
export { alertsPages } from './alerts.pages';
export { alertsPanel } from './alerts.panels';
