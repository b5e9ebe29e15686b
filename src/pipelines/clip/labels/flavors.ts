// Look and mood words: light, colour, lens, composition, atmosphere.
export const FLAVORS: readonly string[] = [
  'highly detailed', 'intricate', 'ornate', 'minimalist', 'symmetrical', 'epic composition', 'sharp focus',
  'soft focus', 'shallow depth of field', 'bokeh', 'wide angle', 'macro', 'aerial view', 'top-down view',
  'isometric', 'close-up portrait', 'full body shot', 'soft lighting', 'dramatic lighting', 'golden hour',
  'blue hour', 'volumetric light', 'backlit', 'silhouette', 'rim lighting', 'neon lights', 'candlelight',
  'cinematic', 'moody', 'dreamy', 'eerie', 'whimsical', 'serene', 'chaotic', 'cozy', 'gloomy', 'vibrant colors',
  'muted colors', 'pastel colors', 'warm tones', 'cool tones', 'monochrome', 'sepia', 'high contrast',
  'low contrast', 'film grain', 'vintage', 'retro', 'futuristic', 'foggy', 'rainy', 'snowy', 'dusty', 'weathered',
  'glossy', 'matte', 'glowing', 'iridescent', 'reflections', 'motion blur',
];
