// Injection tokens of the kit.
export const CONFIG = Symbol('civgrid:config');
export const LOGGER = Symbol('civgrid:logger');
export const KAFKA = Symbol('civgrid:kafka');
export const SERVICE = Symbol('civgrid:service-definition');
