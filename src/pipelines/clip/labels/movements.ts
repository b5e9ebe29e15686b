// Art movements and period styles, old and new, as people name them in captions.
export const MOVEMENTS: readonly string[] = [
  'renaissance', 'mannerism', 'baroque', 'rococo', 'neoclassicism', 'romanticism', 'realism', 'pre-raphaelite',
  'hudson river school', 'tonalism', 'luminism', 'impressionism', 'post-impressionism', 'pointillism', 'symbolism',
  'art nouveau', 'fauvism', 'expressionism', 'cubism', 'futurism', 'dadaism', 'surrealism', 'constructivism',
  'suprematism', 'de stijl', 'bauhaus', 'art deco', 'abstract expressionism', 'color field painting', 'pop art',
  'op art', 'minimalism', 'photorealism', 'hyperrealism', 'naive art', 'folk art', 'outsider art', 'ukiyo-e',
  'byzantine art', 'gothic art', 'memphis design', 'mid-century modern', 'brutalism', 'lowbrow art', 'street art',
  'afrofuturism', 'cyberpunk', 'steampunk', 'solarpunk', 'vaporwave', 'synthwave',
];
