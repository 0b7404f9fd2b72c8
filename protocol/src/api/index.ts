export * from './common';
export * from './session';
export * from './alarms';
export * from './devices';
export * from './site';
export * from './config';
export * from './security';
export * from './people';
