export { AlertsService, ALERT_SIGNUP_LIMITS, type AlertChoice, type AlertsServiceOptions } from './alerts.service';
export { alertsApi } from './alerts.api';
export { alertsPages } from './alerts.pages';
export { alertsPanel } from './alerts.panels';
