// What the picture is made with or as: the first thing a prompt usually names.
export const MEDIUMS: readonly string[] = [
  'an oil painting', 'a watercolor painting', 'an acrylic painting', 'a gouache painting', 'a fresco',
  'a pencil sketch', 'a charcoal drawing', 'an ink drawing', 'a pastel drawing', 'a crayon drawing',
  'a chalk drawing', 'a marker rendering', 'a digital painting', 'a 3D render', 'a low poly model',
  'a photograph', 'a polaroid photo', 'a black and white photo', 'a film still', 'a screenshot from a video game',
  'an anime screenshot', 'a comic book panel', 'a manga page', "a children's book illustration", 'a vector illustration',
  'pixel art', 'concept art', 'a matte painting', 'a storyboard sketch', 'a technical drawing', 'a blueprint',
  'an architectural rendering', 'a woodblock print', 'a linocut print', 'an etching', 'a screen print',
  'a mosaic', 'a stained glass window', 'a collage', 'a paper cutout', 'a sculpture', 'a ceramic figurine',
  'an embroidery', 'a tapestry', 'a graffiti mural', 'a tattoo design', 'a movie poster', 'an album cover',
  'a magazine cover', 'a postage stamp', 'a claymation still', 'an infographic',
];
