// Where an image might have been posted: CLIP learned these from web captions and alt text.
export const SITES: readonly string[] = [
  'trending on artstation', 'featured on behance', 'deviantart', 'pixiv', 'flickr', '500px', 'unsplash',
  'instagram', 'pinterest', 'tumblr', 'reddit', 'dribbble', 'cgsociety', 'sketchfab', 'shutterstock',
  'getty images', 'wikimedia commons', 'national geographic', 'imgur', 'twitter',
];
