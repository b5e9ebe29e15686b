// Artists whose names CLIP learned from captions of their work: painters, printmakers,
// illustrators and photographers of the past, chosen for distinct, recognisable styles.
export const ARTISTS: readonly string[] = [
  'Leonardo da Vinci', 'Michelangelo', 'Raphael', 'Titian', 'Caravaggio', 'Rembrandt', 'Johannes Vermeer',
  'Albrecht Dürer', 'Hieronymus Bosch', 'Pieter Bruegel the Elder', 'Diego Velázquez', 'Francisco Goya',
  'William Blake', 'J. M. W. Turner', 'John Constable', 'Caspar David Friedrich', 'Thomas Cole',
  'Albert Bierstadt', 'Ivan Aivazovsky', 'Gustave Doré', 'Claude Monet', 'Pierre-Auguste Renoir',
  'Edgar Degas', 'Camille Pissarro', 'Berthe Morisot', 'Mary Cassatt', 'Vincent van Gogh', 'Paul Cézanne',
  'Paul Gauguin', 'Georges Seurat', 'Henri de Toulouse-Lautrec', 'John Singer Sargent', 'Winslow Homer',
  'Gustav Klimt', 'Egon Schiele', 'Alphonse Mucha', 'Edvard Munch', 'Arthur Rackham', 'Henri Matisse',
  'Pablo Picasso', 'Georges Braque', 'Wassily Kandinsky', 'Piet Mondrian', 'Paul Klee', 'Hilma af Klint',
  'Joan Miró', 'Salvador Dalí', 'René Magritte', 'Frida Kahlo', 'Diego Rivera', 'Tamara de Lempicka',
  'Edward Hopper', "Georgia O'Keeffe", 'Norman Rockwell', 'Jackson Pollock', 'Mark Rothko', 'Andy Warhol',
  'Roy Lichtenstein', 'Katsushika Hokusai', 'Utagawa Hiroshige', 'Ansel Adams', 'Dorothea Lange',
];
